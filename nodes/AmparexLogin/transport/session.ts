import { createHash } from 'crypto';
import type { IDataObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import type { AmparexErrorKind } from './errors';
import { AmparexError, toAmparexError } from './errors';
import type { AmparexCredentials } from './request';
import { assertHeaderSafe, buildRequest, jsonBody, normalizeBaseUrl } from './request';

/** `SecurityToken` of the spec. */
export interface SecurityToken {
	value: string;
	expiryTime?: string;
}

type SendRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/** A rejected password is not sent again for this long (AMPAREX may lock the account). */
const REJECTED_LOGIN_HOLD_MS = 10 * 60_000;
/**
 * Other logins that AMPAREX answered with a configuration error (unknown alias, no API at the
 * Base URL, API not activated, …) are not repeated for this long: every item of an execution
 * would otherwise send its own. Network failures and 5xx are retried at once.
 */
const FAILED_LOGIN_HOLD_MS = 10_000;
/** How long a failed login is not sent again, by how AMPAREX answered it; other failures: not held. */
const LOGIN_FAILURE_HOLD_MS: Partial<Record<AmparexErrorKind, number>> = {
	loginRejected: REJECTED_LOGIN_HOLD_MS,
	unknownAlias: FAILED_LOGIN_HOLD_MS,
	notFound: FAILED_LOGIN_HOLD_MS,
	paymentRequired: FAILED_LOGIN_HOLD_MS,
	forbidden: FAILED_LOGIN_HOLD_MS,
	invalidRequest: FAILED_LOGIN_HOLD_MS,
	notJson: FAILED_LOGIN_HOLD_MS,
};
/**
 * A fresh login is handed, for this long, to callers that read the credential before n8n stored
 * its token: they hold an empty token, or the token that this login replaced.
 */
const FRESH_LOGIN_SHARE_MS = 10_000;

interface Session {
	token: SecurityToken;
	obtainedAt: number;
	/** The stored token this login replaced ('' for none). */
	replaced?: string;
}

// Per n8n process. Keys are hashes: no password is kept here beyond what n8n itself holds.
const inFlight = new Map<string, Promise<Session>>();
const fresh = new Map<string, Session>();
const rejected = new Map<string, { at: number; holdMs: number; error: AmparexError }>();

/** Identifies one login: the same server, tenant, user, password and branch. */
function loginKey(credentials: AmparexCredentials): string {
	return createHash('sha256')
		.update(
			JSON.stringify([
				normalizeBaseUrl(credentials.baseUrl),
				credentials.alias,
				credentials.username,
				credentials.password,
				credentials.branchId ?? '',
				credentials.ignoreSslIssues === true,
			]),
		)
		.digest('hex');
}

/** AMPAREX's `SecurityToken` answer (of login, axlogin, changeUser). */
export function parseSecurityToken(answer: unknown): SecurityToken {
	const body = (answer ?? {}) as IDataObject;
	if (typeof body.value !== 'string' || body.value === '') {
		throw new AmparexError(
			'unexpected',
			'AMPAREX answered the login without a security token',
			'The answer had no "value" field. Check that the Base URL points to the AMPAREX API (it ends with /amparex/webaxapi).',
		);
	}
	return { value: body.value, expiryTime: typeof body.expiryTime === 'string' ? body.expiryTime : undefined };
}

/**
 * Whether a recent login may still be handed out: not when it expires within 5 s, or within a
 * quarter of its lifetime for tokens that live only seconds.
 */
function isStillValid(session: Session, now: number): boolean {
	if (!session.token.expiryTime) return true;
	const expiry = Date.parse(session.token.expiryTime);
	if (Number.isNaN(expiry)) return true;
	const margin = Math.min(5_000, (expiry - session.obtainedAt) / 4);
	return expiry > now + margin;
}

/** `POST /login` with the credentials in headers only; never in the URL. */
async function headerLogin(send: SendRequest, credentials: AmparexCredentials): Promise<SecurityToken> {
	const request = buildRequest(credentials, {
		method: 'POST',
		path: '/login',
		headers: { username: credentials.username, password: credentials.password },
	});
	const response = await send(request).catch((error: unknown) => {
		throw toAmparexError(error, { phase: 'login', secrets: [credentials.password] });
	});
	return parseSecurityToken(jsonBody(response));
}

export const BRANCH_LOGIN_PATH = '/protected/axlogin';

/** `POST /protected/axlogin` takes user, password and branch as query parameters only (spec). */
export function branchLoginQuery(login: {
	username: string;
	password: string;
	branchId: string;
}): IDataObject {
	return { username: login.username, password: login.password, branchid: login.branchId };
}

async function logIn(send: SendRequest, credentials: AmparexCredentials): Promise<Session> {
	let token = await headerLogin(send, credentials);
	const branchId = (credentials.branchId ?? '').trim();
	if (branchId !== '') {
		const request = buildRequest(credentials, {
			method: 'POST',
			path: BRANCH_LOGIN_PATH,
			qs: branchLoginQuery({ ...credentials, branchId }),
			headers: { Authorization: `Bearer ${token.value}` },
		});
		const secrets = [credentials.password, token.value];
		const response = await send(request).catch((error: unknown) => {
			throw toAmparexError(error, { phase: 'branch', secrets });
		});
		token = parseSecurityToken(jsonBody(response));
	}
	return { token, obtainedAt: Date.now() };
}

/**
 * The credential's `preAuthentication`: returns the session token n8n stores in the credential.
 *
 * n8n calls this when the stored token is empty, after AMPAREX answered 401 (the stored token is
 * then the rejected one), and for the credential test. It gives no lock, so this function makes
 * concurrent callers in one process share one login, and never sends a rejected password twice.
 */
export async function obtainSessionToken(
	this: IHttpRequestHelper,
	credentials: AmparexCredentials,
): Promise<SecurityToken> {
	assertHeaderSafe(credentials.username ?? '', 'Username');
	assertHeaderSafe(credentials.password ?? '', 'Password');
	const key = loginKey(credentials);
	const now = Date.now();

	const refusal = rejected.get(key);
	if (refusal && now - refusal.at < refusal.holdMs) throw refusal.error;
	rejected.delete(key);

	const pending = inFlight.get(key);
	if (pending) return (await pending).token;

	// A login of the last seconds is handed to executions that overlapped it: they read no token
	// yet, or the very token it replaced. Not to a caller refused with any other token: in queue
	// mode that can be another worker's, and this login may be older and revoked too.
	const recent = fresh.get(key);
	const storedToken = credentials.sessionToken ?? '';
	if (
		recent &&
		(storedToken === '' || storedToken === recent.replaced) &&
		now - recent.obtainedAt < FRESH_LOGIN_SHARE_MS &&
		isStillValid(recent, now)
	) {
		return recent.token;
	}

	const send: SendRequest = async (options) => await this.helpers.httpRequest(options);
	const login = logIn(send, credentials)
		.then(
			(session) => {
				fresh.set(key, { ...session, replaced: storedToken });
				return session;
			},
			(error: unknown) => {
				fresh.delete(key);
				if (error instanceof AmparexError) {
					const holdMs = LOGIN_FAILURE_HOLD_MS[error.kind];
					if (holdMs) rejected.set(key, { at: Date.now(), holdMs, error });
				}
				throw error;
			},
		)
		.finally(() => inFlight.delete(key));
	inFlight.set(key, login);
	return (await login).token;
}

/** After Logout of the credential's own session: do not hand that token out again. */
export function forgetSession(credentials: AmparexCredentials): void {
	fresh.delete(loginKey(credentials));
}

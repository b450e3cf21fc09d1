import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialTestRequest,
	INode,
	INodeParameters,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type AmparexErrorKind =
	| 'invalidConfiguration'
	| 'loginRejected'
	| 'sessionRejected'
	| 'paymentRequired'
	| 'forbidden'
	| 'notFound'
	| 'invalidRequest'
	| 'unknownAlias'
	| 'serverError'
	| 'connectionRefused'
	| 'hostNotFound'
	| 'timeout'
	| 'tls'
	| 'connectionDropped'
	| 'notJson'
	| 'unexpected';

/** What went wrong, from the user's side: decides which explanation they get. */
export interface ErrorContext {
	/** `login`: POST /login; `branch`: the credential's switch to its Branch ID; `call`: anything else. */
	phase: 'login' | 'branch' | 'call';
	/** The call used a token from Options → Token instead of the credential's session. */
	explicitToken?: boolean;
	/** The call itself carries a login (Change User's pincode, Switch Branch's user): a 401 may mean it. */
	sentLogin?: 'pincode' | 'branchLogin';
	timeoutMs?: number;
	/** Values that must never be shown (password, pincode, tokens); replaced by "***". */
	secrets?: Array<string | undefined>;
}

/**
 * A failure with a message and a description a low-code user can act on. It deliberately has no
 * `httpCode`, `status`, `code` or `response` property: n8n core would replace the message with a
 * generic one, and a 401 `response` would make core retry a failed login (a second attempt).
 */
export class AmparexError extends Error {
	override name = 'AmparexError';

	constructor(
		readonly kind: AmparexErrorKind,
		message: string,
		readonly description: string,
		/** The HTTP status AMPAREX answered, if it answered. */
		readonly amparexStatus?: number,
	) {
		super(message);
	}

	static notJson(statusCode: number | undefined, body: unknown): AmparexError {
		const looksHtml = typeof body === 'string' && /^\s*</.test(body);
		return new AmparexError(
			'notJson',
			`AMPAREX answered with ${looksHtml ? 'a web page' : 'something'} instead of JSON${statusCode ? ` (HTTP ${statusCode})` : ''}`,
			'The AMPAREX API always answers JSON. This answer usually comes from a proxy or web server in front of AMPAREX, or from a Base URL that does not point to the API: check that the Base URL ends with /amparex/webaxapi (e.g. https://trial.amparex.net:8078/amparex/webaxapi).',
			statusCode,
		);
	}
}

export function isAmparexError(error: unknown): error is AmparexError {
	return error instanceof Error && error.name === 'AmparexError' && 'kind' in error;
}

interface HttpFailure {
	status?: number;
	code?: string;
	/** The messages of the error and its causes (n8n wraps axios errors, sometimes twice). */
	messages: string[];
	body?: unknown;
}

/** Reads status, network code and body from an axios error, or from n8n's wrappers around one. */
function readFailure(error: unknown): HttpFailure {
	const failure: HttpFailure = { messages: [] };
	let layer: unknown = error;
	for (let depth = 0; depth < 4 && typeof layer === 'object' && layer !== null; depth++) {
		const candidate = layer as {
			response?: { status?: number; data?: unknown };
			code?: unknown;
			httpCode?: unknown;
			message?: unknown;
			cause?: unknown;
		};
		const wrappedStatus =
			typeof candidate.httpCode === 'string' && /^\d{3}$/.test(candidate.httpCode) ? Number(candidate.httpCode) : undefined;
		failure.status ??= candidate.response?.status ?? wrappedStatus;
		failure.body ??= candidate.response?.data;
		if (failure.code === undefined && typeof candidate.code === 'string') failure.code = candidate.code;
		if (typeof candidate.message === 'string') failure.messages.push(candidate.message);
		layer = candidate.cause;
	}
	return failure;
}

/** AMPAREX's own explanation from an error body (Spring-style `{message}` or `{error}`), if any. */
function amparexDetail(body: unknown): string {
	if (typeof body !== 'object' || body === null) return '';
	const { message, error } = body as { message?: unknown; error?: unknown };
	const detail = typeof message === 'string' && message ? message : typeof error === 'string' ? error : '';
	return detail.slice(0, 300);
}

function redact(text: string, secrets: ErrorContext['secrets']): string {
	let result = text;
	for (const secret of secrets ?? []) {
		if (secret && secret.length >= 3) result = result.split(secret).join('***');
	}
	return result;
}

const TLS_CODES = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i;

function fromStatus(status: number, context: ErrorContext, detail: string): AmparexError {
	const said = detail ? ` AMPAREX said: "${detail}".` : '';
	switch (status) {
		case 401:
			if (context.phase === 'login') {
				return new AmparexError(
					'loginRejected',
					'AMPAREX rejected the login: wrong username or password',
					'Check Username and Password in the AMPAREX API credential. AMPAREX also answers this when the user does not exist, or when the password does not meet its password policy (very strong passwords): then set a stronger password in AMPAREX. To keep the account from being locked, n8n tries a rejected password only once and does not send it again for 10 minutes; saving a changed username or password tries again at once.',
					status,
				);
			}
			if (context.phase === 'branch') {
				return new AmparexError(
					'loginRejected',
					'AMPAREX rejected the switch to the Branch ID of the credential',
					'The login worked, but AMPAREX did not let this user log in to the branch set in the credential. Check the Branch ID, and that the user may work in that branch, or leave Branch ID empty.' + said,
					status,
				);
			}
			if (context.sentLogin === 'pincode') {
				return new AmparexError(
					'loginRejected',
					'AMPAREX rejected the pincode (401)',
					'No AMPAREX user has this pincode. Check the pincode (Who Am I shows its length as pinCodeLength).' +
						(context.explicitToken ? ' If it is right, the token given in Options → Token has expired or was logged out.' : ''),
					status,
				);
			}
			if (context.sentLogin === 'branchLogin') {
				return new AmparexError(
					'loginRejected',
					'AMPAREX rejected the branch login: wrong username or password (401)',
					'Check the username and password of the AMPAREX user chosen under AMPAREX User (by default those of the credential).' +
						(context.explicitToken ? ' If they are right, the token given in Options → Token has expired or was logged out.' : ''),
					status,
				);
			}
			return context.explicitToken
				? new AmparexError(
						'sessionRejected',
						'AMPAREX rejected the token given in Options → Token',
						'The token has expired or was logged out. Use the token of a Change User or Switch Branch step of the same execution, or leave Token empty to use the session of the credential (n8n renews that one by itself).',
						status,
					)
				: new AmparexError(
						'sessionRejected',
						'AMPAREX rejected the session even after a new login',
						'n8n logged in again with the credential and AMPAREX still refused the call with 401. Check that the AMPAREX user of the credential may use the API, and try again.' + said,
						status,
					);
		case 402:
			return new AmparexError(
				'paymentRequired',
				'AMPAREX refused the call: the API is not activated or the call limit is used up (402)',
				'AMPAREX counts every API call against your company\'s quota. Ask your AMPAREX contact to activate the API for your company or to raise the call limit; the Who Am I operation shows the remaining calls once it works again. n8n does not retry this.' + said,
				status,
			);
		case 403:
			return new AmparexError(
				'forbidden',
				'The AMPAREX user is not allowed to make this call (403)',
				'Give the AMPAREX user of the credential (or of Change User / Switch Branch) the permission for this call in AMPAREX, or use another user.' + said,
				status,
			);
		case 404:
			if (context.phase === 'branch') {
				return new AmparexError(
					'notFound',
					'AMPAREX does not know the Branch ID of the credential (404)',
					'Check Branch ID in the AMPAREX API credential: it is the ID of a branch (the branch list of Switch Branch shows them). Leave it empty to work in the default branch of the user.',
					status,
				);
			}
			return new AmparexError(
				'notFound',
				context.phase === 'login'
					? 'AMPAREX has no login at this address (404)'
					: 'AMPAREX did not find what was asked for (404)',
				context.phase === 'login'
					? 'Check the Base URL of the credential: it ends with /amparex/webaxapi (e.g. https://trial.amparex.net:8078/amparex/webaxapi).'
					: 'Check the ID used (e.g. the Branch ID). If every call fails like this, check that the Base URL of the credential ends with /amparex/webaxapi.' + said,
				status,
			);
		case 422:
			return new AmparexError(
				'invalidRequest',
				'AMPAREX rejected the values sent as not valid (422)',
				(context.phase === 'branch'
					? 'Check the Branch ID of the credential.'
					: 'Check the values of this operation, e.g. the Branch ID of Switch Branch or the pincode of Change User.') + said,
				status,
			);
		case 503:
			if (context.phase === 'login') {
				return new AmparexError(
					'unknownAlias',
					'AMPAREX knows no service for this alias (503)',
					"Check the Alias of the credential: copy it exactly from AMPAREX's branch office administration (service access data). It is a long code such as pa-a-ffh6ioqxzje-ceabuy_dtzdvp_h0hwjitjvyls=.",
					status,
				);
			}
			break;
	}
	if (status >= 500) {
		return new AmparexError(
			'serverError',
			`The AMPAREX server failed to answer the request (HTTP ${status})`,
			'This is a problem on the AMPAREX side or of a proxy in front of it. Try again later; if it keeps happening, contact your AMPAREX administrator.' + said,
			status,
		);
	}
	return new AmparexError(
		'unexpected',
		`AMPAREX answered with HTTP ${status}`,
		'This answer is not documented for this call. Check the values of the operation and the credential.' + said,
		status,
	);
}

function fromNetwork(failure: HttpFailure, context: ErrorContext): AmparexError {
	const code = failure.code ?? '';
	if (code === 'ECONNREFUSED') {
		return new AmparexError(
			'connectionRefused',
			'Could not connect to AMPAREX: the connection was refused',
			'Nothing answers at the host and port of the Base URL. Check the Base URL of the credential (host and port, e.g. :8078) and that the AMPAREX server is running and reachable from n8n.',
		);
	}
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return new AmparexError(
			'hostNotFound',
			'Could not find the AMPAREX server: the host name of the Base URL does not resolve',
			'Check the host name in the Base URL of the credential for typing errors, and that the n8n machine can resolve it (DNS).',
		);
	}
	const said = (pattern: RegExp) => failure.messages.some((message) => pattern.test(message));
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || said(/timeout/i)) {
		const seconds = context.timeoutMs ? ` within ${Math.round(context.timeoutMs / 100) / 10} s` : ' in time';
		return new AmparexError(
			'timeout',
			`AMPAREX did not answer${seconds}`,
			'The AMPAREX server is slow or unreachable. Try again later, or raise Timeout in the options of the node. A firewall that silently drops the connection looks the same: check that n8n may reach the Base URL.',
		);
	}
	if (TLS_CODES.test(code)) {
		return new AmparexError(
			'tls',
			`The secure (HTTPS) connection to AMPAREX failed (${code})`,
			'The certificate of the AMPAREX server was not accepted. For an on-premise server with a self-signed certificate, turn on Ignore SSL Issues in the credential. If the server does not use HTTPS at all, start the Base URL with http://.',
		);
	}
	if (code === 'ECONNRESET' || code === 'EPIPE' || said(/socket hang up/i)) {
		return new AmparexError(
			'connectionDropped',
			'The connection to AMPAREX was dropped before it answered',
			'The AMPAREX server or a proxy closed the connection. Try again; if it keeps happening, check the Base URL (http:// or https://) and any proxy between n8n and AMPAREX.',
		);
	}
	return new AmparexError(
		'unexpected',
		'The request to AMPAREX failed',
		`n8n could not complete the request${code ? ` (${code})` : ''}. Check the Base URL of the credential and that AMPAREX is reachable from n8n.`,
	);
}

/** Turns any failure of an AMPAREX request into an `AmparexError` that is safe to show and store. */
export function toAmparexError(error: unknown, context: ErrorContext): AmparexError {
	if (isAmparexError(error)) return error;
	const cause = (error as { cause?: unknown } | undefined)?.cause;
	if (isAmparexError(cause)) return cause;

	const failure = readFailure(error);
	const networkText = failure.messages.some((message) => /timeout|socket hang up/i.test(message));
	if (failure.status === undefined && failure.code === undefined && !networkText) {
		// Not an HTTP answer nor a network failure: an error n8n wrapped, such as the credential's
		// own login error on n8n 1.x, whose NodeApiError keeps message and description but drops
		// the cause. Its text is already the explanation.
		const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
		if (typeof message === 'string' && message !== '') {
			return new AmparexError(
				'unexpected',
				redact(message, context.secrets),
				redact(
					typeof description === 'string' && description !== ''
						? description
						: 'Check the AMPAREX API credential and the values of this operation.',
					context.secrets,
				),
			);
		}
	}
	const mapped =
		failure.status !== undefined
			? fromStatus(failure.status, context, redact(amparexDetail(failure.body), context.secrets))
			: fromNetwork(failure, context);
	if (failure.status !== undefined && typeof failure.body === 'string' && /^\s*</.test(failure.body) && mapped.kind === 'unexpected') {
		return AmparexError.notJson(failure.status, failure.body);
	}
	return mapped;
}

/** The answers the credential test's Who Am I call may meet: the spec's, and those of proxies. */
const CREDENTIAL_TEST_STATUSES = [400, 401, 402, 403, 404, 405, 408, 409, 422, 429, 500, 501, 502, 503, 504];

/**
 * Rules for the credential's declarative test. Without them n8n shows the HTTP status text
 * ("Internal Server Error") when the test's Who Am I call fails, and passes any 200 answer.
 * With them the test says what a workflow says (its login already fails with these messages).
 */
export function credentialTestRules(): ICredentialTestRequest['rules'] {
	const byStatus = CREDENTIAL_TEST_STATUSES.map(
		(status): IAuthenticateRuleResponseCode => ({
			type: 'responseCode',
			properties: { value: status, message: fromStatus(status, { phase: 'call' }, '').message },
		}),
	);
	// n8n reads `key` with lodash's `get`, and an answer that is not JSON reaches it as a string:
	// its first character is "<" for a web page, its `constructor.name` is "String" (a JSON
	// answer's is "Object" or "Array"). n8n applies the first rule that matches.
	const notJson = (key: string, value: string, body: string): IAuthenticateRuleResponseSuccessBody => ({
		type: 'responseSuccessBody',
		properties: { key, value, message: AmparexError.notJson(200, body).message },
	});
	const bodyRules = [notJson('0', '<', '<html>'), notJson('constructor.name', 'String', '')];
	// n8n checks each rule by its `type`; the declared type allows only one kind per list.
	return [...byStatus, ...bodyRules] as unknown as ICredentialTestRequest['rules'];
}

/** The node's fields that hold secrets: a pincode, another user's password, a token. */
const SECRET_PARAMETERS = ['pincode', 'password', 'token'];

/**
 * n8n saves the node an error names, with its parameters, in the execution: a copy without the
 * secrets typed into it (expressions stay, they only point at data).
 */
export function withoutSecrets(node: INode): INode {
	const mask = (parameters: INodeParameters): INodeParameters =>
		Object.fromEntries(
			Object.entries(parameters).map(([name, value]) => {
				if (SECRET_PARAMETERS.includes(name) && typeof value === 'string' && value !== '' && !value.startsWith('=')) {
					return [name, '***'];
				}
				if (value && typeof value === 'object' && !Array.isArray(value)) return [name, mask(value as INodeParameters)];
				return [name, value];
			}),
		);
	return { ...node, parameters: mask(node.parameters) };
}

/** A failure of the node's own checks (an empty field, an unknown operation), naming the masked node. */
export function operationError(
	node: INode,
	error: string | Error,
	options: { description?: string; itemIndex?: number } = {},
): NodeOperationError {
	return new NodeOperationError(withoutSecrets(node), error, options);
}

/** The error a node throws or puts into an item: only the safe fields, nothing of the request. */
export function toNodeApiError(node: INode, error: AmparexError, itemIndex?: number): NodeApiError {
	const safe: JsonObject = { message: error.message, description: error.description, kind: error.kind };
	return new NodeApiError(withoutSecrets(node), safe, {
		message: error.message,
		description: error.description,
		httpCode: error.amparexStatus ? String(error.amparexStatus) : undefined,
		itemIndex,
	});
}

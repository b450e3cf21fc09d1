import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import { AmparexError } from './errors';

/** The stored fields of the AMPAREX API credential (names are fixed: users' credentials hold them). */
export interface AmparexCredentials {
	baseUrl: string;
	alias: string;
	username: string;
	password: string;
	branchId?: string;
	ignoreSslIssues?: boolean;
	sessionToken?: string;
}

export const CREDENTIAL_TYPE = 'amparexApi';

/** Applied to every AMPAREX request unless an operation sets its own. */
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface AmparexRequest {
	method: IHttpRequestMethods;
	/** Route below `/alias/{alias}`, e.g. `/protected/whoami`. */
	path: string;
	qs?: IDataObject;
	headers?: IDataObject;
	body?: IDataObject;
	timeout?: number;
}

/** `https://host/amparex/webaxapi/` → `https://host/amparex/webaxapi`, or a clear error. */
export function normalizeBaseUrl(baseUrl: unknown): string {
	const trimmed = typeof baseUrl === 'string' ? baseUrl.trim().replace(/\/+$/, '') : '';
	if (!/^https?:\/\/[^/\s]+/i.test(trimmed)) {
		throw new AmparexError(
			'invalidConfiguration',
			'The Base URL of the AMPAREX API credential is not a web address',
			'Enter the address of your AMPAREX API including http:// or https://, e.g. https://trial.amparex.net:8078/amparex/webaxapi',
		);
	}
	return trimmed;
}

function requireField(value: unknown, field: string, hint: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') {
		throw new AmparexError(
			'invalidConfiguration',
			`The ${field} of the AMPAREX API credential is empty`,
			hint,
		);
	}
	return text;
}

/** The alias is opaque (it contains `=`, `_`, sometimes `/`): always percent-encode it. */
export function aliasPath(alias: unknown, path: string): string {
	const value = requireField(
		alias,
		'Alias',
		"Copy the alias from AMPAREX's branch office administration (service access data) into the credential.",
	);
	return `/alias/${encodeURIComponent(value)}${path}`;
}

/**
 * Header values travel as Latin-1 bytes; anything else (emoji, 'ł', line breaks) makes Node
 * refuse the request, so say so before anything is sent. The value itself is never quoted.
 */
export function assertHeaderSafe(value: string, field: 'Username' | 'Password'): void {
	if (/[^\t\x20-\x7e\xa0-\xff]/.test(value)) {
		throw new AmparexError(
			'invalidConfiguration',
			`The ${field.toLowerCase()} of the AMPAREX API credential contains characters that cannot be sent to AMPAREX`,
			`AMPAREX receives the ${field.toLowerCase()} in an HTTP header, which only carries Latin-1 characters (letters with accents such as ä, é, ß are fine; emoji, characters such as ł or € and line breaks are not). Set a ${field.toLowerCase()} in AMPAREX that uses only such characters, and enter it in the credential. Nothing was sent.`,
		);
	}
}

/** Builds the n8n request for one AMPAREX route; the only place that knows AMPAREX's URL shape. */
export function buildRequest(
	credentials: AmparexCredentials,
	request: AmparexRequest,
): IHttpRequestOptions {
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL: normalizeBaseUrl(credentials.baseUrl),
		url: aliasPath(credentials.alias, request.path),
		headers: { Accept: 'application/json', ...request.headers },
		json: true,
		returnFullResponse: true,
		timeout: request.timeout ?? DEFAULT_TIMEOUT_MS,
		skipSslCertificateValidation: credentials.ignoreSslIssues === true,
	};
	if (request.qs) options.qs = request.qs;
	if (request.body) options.body = request.body;
	return options;
}

export interface FullResponse {
	body: unknown;
	statusCode?: number;
}

/** AMPAREX answers JSON; a string body means a proxy page or a wrong Base URL. */
export function jsonBody(response: unknown, allowEmpty = false): IDataObject | IDataObject[] | undefined {
	const { body, statusCode } = (response ?? {}) as FullResponse;
	if (body === undefined || body === null || body === '') {
		if (allowEmpty) return undefined;
	} else if (typeof body === 'object') {
		return body as IDataObject;
	}
	throw AmparexError.notJson(statusCode, body);
}

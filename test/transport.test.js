'use strict';
/** Unit tests of the shared AMPAREX layer: request building and the error mapping. */
const { NodeApiError } = require('n8n-workflow');

const {
	buildRequest,
	normalizeBaseUrl,
	aliasPath,
	assertHeaderSafe,
	jsonBody,
} = require('../nodes/AmparexLogin/transport/request');
const { toAmparexError, toNodeApiError, AmparexError, isAmparexError } = require('../nodes/AmparexLogin/transport/errors');
const { serializeError } = require('./helpers/n8n');

const node = /** @type {any} */ ({ id: '1', name: 'AMPAREX', type: 'n8n-nodes-amparex.amparexLogin', typeVersion: 1, position: [0, 0], parameters: {} });
const credentials = {
	baseUrl: 'https://amparex.example.com:8078/amparex/webaxapi/',
	alias: 'pa-a/b=c',
	username: 'svc',
	password: 'Secret-Passw0rd!',
};

describe('request building', () => {
	test('a trailing slash of the base URL is harmless', () => {
		expect(normalizeBaseUrl('https://h:8078/amparex/webaxapi/')).toBe('https://h:8078/amparex/webaxapi');
		expect(normalizeBaseUrl(' https://h/amparex/webaxapi// ')).toBe('https://h/amparex/webaxapi');
	});

	test('a base URL without http(s) gets a clear error', () => {
		expect(() => normalizeBaseUrl('trial.amparex.net:8078')).toThrow(/not a web address/);
		expect(() => normalizeBaseUrl('')).toThrow(/not a web address/);
	});

	test('the alias is percent-encoded into the path', () => {
		expect(aliasPath('pa-a-ffh6ioqxzje-ceabuy_dtzdvp_h0hwjitjvyls=', '/login')).toBe(
			'/alias/pa-a-ffh6ioqxzje-ceabuy_dtzdvp_h0hwjitjvyls%3D/login',
		);
		expect(aliasPath('a/b=', '/protected/whoami')).toBe('/alias/a%2Fb%3D/protected/whoami');
		expect(() => aliasPath('  ', '/login')).toThrow(/Alias of the AMPAREX API credential is empty/);
	});

	test('buildRequest sets base URL, JSON, timeout and the TLS option', () => {
		const request = buildRequest({ ...credentials, ignoreSslIssues: true }, { method: 'GET', path: '/protected/whoami' });
		expect(request).toMatchObject({
			method: 'GET',
			baseURL: 'https://amparex.example.com:8078/amparex/webaxapi',
			url: '/alias/pa-a%2Fb%3Dc/protected/whoami',
			json: true,
			returnFullResponse: true,
			timeout: 60000,
			skipSslCertificateValidation: true,
		});
		expect(JSON.stringify(request)).not.toContain(credentials.password);
	});

	test.each([
		['plain ASCII', 'Abc-123!xyz', true],
		['Latin-1 accents', 'Grüße-Straße-é1!', true],
		['an emoji', 'Passw0rd!😀', false],
		['Polish ł', 'Hasło-123!', false],
		['the euro sign', 'Preis-100€!', false],
		['a line break', 'abc\r\ndef', false],
	])('header safety of a password with %s', (_name, password, ok) => {
		const check = () => assertHeaderSafe(password, 'Password');
		if (ok) expect(check).not.toThrow();
		else {
			expect(check).toThrow(/password of the AMPAREX API credential contains characters that cannot be sent/);
			try {
				check();
			} catch (error) {
				expect(serializeError(error)).not.toContain(password);
			}
		}
	});

	test('a non-JSON body is refused with a clear error', () => {
		expect(jsonBody({ body: { a: 1 }, statusCode: 200 })).toEqual({ a: 1 });
		expect(jsonBody({ body: '', statusCode: 200 }, true)).toBeUndefined();
		expect(() => jsonBody({ body: '<html>oops</html>', statusCode: 200 })).toThrow(/a web page instead of JSON \(HTTP 200\)/);
		expect(() => jsonBody({ body: 'plain', statusCode: 200 })).toThrow(/something instead of JSON/);
	});
});

/** An error shaped like axios' (what n8n's HTTP helpers throw), carrying the request's headers. */
function axiosError(/** @type {{ status?: number, code?: string, data?: unknown, message?: string }} */ spec) {
	const error = Object.assign(new Error(spec.message ?? `Request failed with status code ${spec.status}`), {
		isAxiosError: true,
		code: spec.code,
		config: { headers: { password: credentials.password, Authorization: 'Bearer tok-123456' } },
		response: spec.status ? { status: spec.status, data: spec.data, headers: {} } : undefined,
	});
	return error;
}

describe('error mapping', () => {
	const secrets = [credentials.password, 'tok-123456'];

	test.each([
		['login', 401, 'loginRejected', /AMPAREX rejected the login: wrong username or password/],
		['call', 401, 'sessionRejected', /rejected the session even after a new login/],
		['call', 402, 'paymentRequired', /API is not activated or the call limit is used up/],
		['call', 403, 'forbidden', /not allowed to make this call/],
		['call', 404, 'notFound', /did not find what was asked for/],
		['login', 404, 'notFound', /no login at this address/],
		['call', 422, 'invalidRequest', /rejected the values sent as not valid/],
		['login', 503, 'unknownAlias', /knows no service for this alias/],
		['call', 500, 'serverError', /failed to answer the request \(HTTP 500\)/],
		['call', 502, 'serverError', /HTTP 502/],
	])('%s answered %i → %s', (phase, status, kind, message) => {
		const mapped = toAmparexError(axiosError({ status, data: { message: `echo ${credentials.password}` } }), {
			phase: /** @type {any} */ (phase),
			secrets,
		});
		expect(mapped.kind).toBe(kind);
		expect(mapped.message).toMatch(message);
		expect(mapped.description.length).toBeGreaterThan(20);
		expect(serializeError(mapped)).not.toContain(credentials.password);
		expect(serializeError(mapped)).not.toContain('tok-123456');
	});

	test('a token given in Options that AMPAREX rejects says so', () => {
		const mapped = toAmparexError(axiosError({ status: 401 }), { phase: 'call', explicitToken: true });
		expect(mapped.message).toBe('AMPAREX rejected the token given in Options → Token');
	});

	test.each([
		['ECONNREFUSED', 'connectionRefused', /connection was refused/],
		['ENOTFOUND', 'hostNotFound', /host name of the Base URL does not resolve/],
		['EAI_AGAIN', 'hostNotFound', /does not resolve/],
		['ECONNABORTED', 'timeout', /did not answer within 1.5 s/],
		['ETIMEDOUT', 'timeout', /did not answer/],
		['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', /secure \(HTTPS\) connection to AMPAREX failed/],
		['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', /HTTPS/],
		['EPROTO', 'tls', /HTTPS/],
		['ECONNRESET', 'connectionDropped', /dropped before it answered/],
	])('network failure %s → %s', (code, kind, message) => {
		const mapped = toAmparexError(axiosError({ code, message: code === 'ECONNABORTED' ? 'timeout of 1500ms exceeded' : code }), {
			phase: 'call',
			timeoutMs: 1500,
		});
		expect(mapped.kind).toBe(kind);
		expect(mapped.message).toMatch(message);
	});

	test('an HTML error page with an undocumented status is reported as not JSON', () => {
		const mapped = toAmparexError(axiosError({ status: 418, data: '<html><body>Teapot</body></html>' }), { phase: 'call' });
		expect(mapped.kind).toBe('notJson');
	});

	test("the status inside n8n's NodeApiError wrapper is found", () => {
		const wrapped = new NodeApiError(node, /** @type {any} */ (axiosError({ status: 402 })));
		expect(toAmparexError(wrapped, { phase: 'call' }).kind).toBe('paymentRequired');
	});

	test("an AmparexError thrown by the credential's login survives n8n core's wrapping", () => {
		const login = toAmparexError(axiosError({ status: 401 }), { phase: 'login', secrets });
		// What httpRequestWithAuthentication does with an error of preAuthentication:
		const wrapped = new NodeApiError(node, /** @type {any} */ (login));
		expect(wrapped.message).toBe(login.message);
		expect(wrapped.description).toBe(login.description);
		// core retries a failed request only for error.response.status === 401: the login error has none
		expect(/** @type {any} */ (login).response).toBeUndefined();
		expect(toAmparexError(wrapped, { phase: 'call' })).toBe(login);
	});

	test('on n8n 1.x, whose NodeApiError drops the cause, the login message and description survive', () => {
		const login = toAmparexError(axiosError({ status: 401 }), { phase: 'login', secrets });
		const wrapped = new NodeApiError(node, /** @type {any} */ (login));
		Object.defineProperty(wrapped, 'cause', { value: undefined }); // as n8n-workflow 1.x leaves it
		const mapped = toAmparexError(wrapped, { phase: 'call', secrets });
		expect(mapped.message).toBe('AMPAREX rejected the login: wrong username or password');
		expect(mapped.description).toBe(login.description);
	});

	test('a timeout or hang-up without a code is still explained as such', () => {
		expect(toAmparexError(new Error('timeout of 500ms exceeded'), { phase: 'call', timeoutMs: 500 }).kind).toBe('timeout');
		expect(toAmparexError(new Error('socket hang up'), { phase: 'call' }).kind).toBe('connectionDropped');
	});

	test('a wrapped failure without status or code keeps its text, with secrets removed', () => {
		const mapped = toAmparexError(new Error(`Something about ${credentials.password}`), { phase: 'call', secrets });
		expect(mapped.message).toBe('Something about ***');
	});

	test('toNodeApiError keeps message, description, status and item, and nothing of the request', () => {
		const mapped = toAmparexError(axiosError({ status: 403 }), { phase: 'call', secrets });
		const error = toNodeApiError(node, mapped, 2);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(mapped.message);
		expect(error.description).toBe(mapped.description);
		expect(error.httpCode).toBe('403');
		expect(error.context.itemIndex).toBe(2);
		const everything = serializeError(error);
		expect(everything).not.toContain(credentials.password);
		expect(everything).not.toContain('tok-123456');
	});

	test('isAmparexError recognises only AMPAREX errors', () => {
		expect(isAmparexError(new AmparexError('timeout', 'm', 'd'))).toBe(true);
		expect(isAmparexError(new Error('x'))).toBe(false);
	});
});

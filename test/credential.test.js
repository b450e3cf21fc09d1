'use strict';
/** The AMPAREX API credential: its fields, how it authenticates, and the editor's credential test. */
const { AmparexApi } = require('../credentials/AmparexApi.credentials');
const { N8nInstance, serializeError } = require('./helpers/n8n');
const { startSimulator, demoCredential, DEMO_TENANT, SLASH_ALIAS } = require('./helpers/simulator');

const credential = new AmparexApi();

describe('fields', () => {
	test('names are fixed, as stored in users’ credentials', () => {
		expect(credential.name).toBe('amparexApi');
		expect(credential.displayName).toBe('AMPAREX API');
		expect(credential.properties.map((property) => property.name)).toEqual([
			'sessionToken',
			'baseUrl',
			'alias',
			'username',
			'password',
			'branchId',
			'ignoreSslIssues',
		]);
	});

	test('the session token is hidden, expirable, masked and starts empty', () => {
		const token = credential.properties.find((property) => property.name === 'sessionToken');
		expect(token).toMatchObject({ type: 'hidden', default: '', typeOptions: { expirable: true, password: true } });
	});

	test('the password is masked; base URL, alias, username and password are required', () => {
		const byName = Object.fromEntries(credential.properties.map((property) => [property.name, property]));
		expect(byName.password.typeOptions?.password).toBe(true);
		for (const name of ['baseUrl', 'alias', 'username', 'password']) expect(byName[name].required).toBe(true);
		expect(byName.branchId.required).toBeFalsy();
	});

	test('authenticate sends the session token as a Bearer header', () => {
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } },
		});
	});
});

describe('credential test in the editor', () => {
	/** @type {Awaited<ReturnType<typeof startSimulator>>} */
	let sim;
	beforeEach(async () => {
		sim = await startSimulator();
	});
	afterEach(async () => {
		await sim.close();
	});

	test('succeeds with a trailing slash in the Base URL and an alias with "/" and "="', async () => {
		const n8n = new N8nInstance();
		n8n.addCredential('amparex', demoCredential(`${sim.baseUrl}/`, { alias: ` ${SLASH_ALIAS} ` }));
		const result = await n8n.testCredential();
		expect(result).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(result.request).toMatchObject({
			baseURL: sim.baseUrl,
			url: `/alias/${encodeURIComponent(SLASH_ALIAS)}/protected/whoami`,
		});
		expect((await sim.stats()).requests).toEqual({ 'POST /login': 1, 'GET /protected/whoami': 1 });
		// the token is stored, so the first execution after the test needs no login
		await n8n.run([{ name: 'AMPAREX', parameters: { operation: 'whoAmI' } }]);
		expect((await sim.stats()).requests['POST /login']).toBe(1);
	});

	test('logs in afresh each time it is tested, even with a stored token', async () => {
		const n8n = new N8nInstance();
		n8n.addCredential('amparex', demoCredential(sim.baseUrl));
		await n8n.testCredential();
		await n8n.testCredential();
		expect((await sim.stats()).requests['POST /login']).toBe(2);
	});

	test('a wrong password fails with the clear message and nothing secret', async () => {
		const n8n = new N8nInstance();
		n8n.addCredential('amparex', demoCredential(sim.baseUrl, { password: 'Wrong-Passw0rd!test' }));
		const result = await n8n.testCredential();
		expect(result).toMatchObject({ status: 'Error', message: 'AMPAREX rejected the login: wrong username or password' });
		expect(serializeError(result.error)).not.toContain('Wrong-Passw0rd!test');
		expect((await sim.stats()).logins.failed).toBe(1);
	});

	test('an unknown alias names the alias as the cause', async () => {
		const n8n = new N8nInstance();
		n8n.addCredential('amparex', demoCredential(sim.baseUrl, { alias: 'typo-alias=' }));
		expect(await n8n.testCredential()).toMatchObject({ status: 'Error', message: 'AMPAREX knows no service for this alias (503)' });
	});

	test('an empty Base URL or alias is explained before any request', async () => {
		const n8n = new N8nInstance();
		n8n.addCredential('amparex', demoCredential('', {}));
		expect((await n8n.testCredential()).message).toBe('The Base URL of the AMPAREX API credential is not a web address');
		n8n.addCredential('amparex', demoCredential(sim.baseUrl, { alias: '' }));
		expect((await n8n.testCredential()).message).toBe('The Alias of the AMPAREX API credential is empty');
		expect((await sim.stats()).totalRequests).toBe(0);
	});

	test('with Branch ID the tested session is in that branch', async () => {
		const n8n = new N8nInstance();
		n8n.addCredential('amparex', demoCredential(sim.baseUrl, { branchId: DEMO_TENANT.branches[1].id }));
		expect((await n8n.testCredential()).status).toBe('OK');
		expect((await sim.stats()).requests).toEqual({ 'POST /login': 1, 'POST /protected/axlogin': 1, 'GET /protected/whoami': 1 });
	});

	test.each([
		[{ status: 502 }, 'The AMPAREX server failed to answer the request (HTTP 502)'],
		[{ status: 402 }, 'AMPAREX refused the call: the API is not activated or the call limit is used up (402)'],
		[{ status: 403 }, 'The AMPAREX user is not allowed to make this call (403)'],
		[{ html: true }, 'AMPAREX answered with a web page instead of JSON (HTTP 200)'],
		[{ plainText: true }, 'AMPAREX answered with something instead of JSON (HTTP 200)'],
	])('a Who Am I that fails after the login (%o) says what a workflow says', async (fault, message) => {
		const n8n = new N8nInstance();
		n8n.addCredential('amparex', demoCredential(sim.baseUrl));
		await sim.fault({ route: 'GET /protected/whoami', count: 1, ...fault });
		expect(await n8n.testCredential()).toMatchObject({ status: 'Error', message });
		expect((await sim.stats()).requests).toEqual({ 'POST /login': 1, 'GET /protected/whoami': 1 });
	});

	test('the rules are the node’s messages: one per HTTP status, then two for answers that are not JSON', () => {
		const rules = /** @type {any[]} */ (credential.test.rules);
		const byStatus = rules.filter((rule) => rule.type === 'responseCode');
		expect(byStatus.map((rule) => rule.properties.value)).toEqual([400, 401, 402, 403, 404, 405, 408, 409, 422, 429, 500, 501, 502, 503, 504]);
		expect(byStatus.find((rule) => rule.properties.value === 503).properties.message).toBe('The AMPAREX server failed to answer the request (HTTP 503)');
		expect(rules.slice(byStatus.length).map((rule) => rule.type)).toEqual(['responseSuccessBody', 'responseSuccessBody']);
	});

	test('a Branch ID AMPAREX does not know: the message names the branch setting', async () => {
		const n8n = new N8nInstance();
		n8n.addCredential('amparex', demoCredential(sim.baseUrl, { branchId: 'no-such-branch' }));
		const result = await n8n.testCredential();
		expect(result.status).toBe('Error');
		expect(result.message).toBe('AMPAREX does not know the Branch ID of the credential (404)');
	});
});

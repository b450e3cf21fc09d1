'use strict';
/**
 * Every error a user can meet, run through n8n-core against the simulator: the message, how many
 * AMPAREX calls it cost, and that no password, pincode or token reaches the error, the saved
 * execution or n8n's log.
 */
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { N8nInstance, serializeError, logLines, logSettled, waitForLog, simulatorPerTest } = require('./helpers/n8n');
const { startSimulator, testConfig, demoCredential, DEMO_TENANT } = require('./helpers/simulator');
const { record, printReport } = require('./helpers/report');

/** @type {any} the simulator of the running test */
let sim;
const n8nWith = simulatorPerTest((started) => (sim = started));
afterAll(() => printReport('Errors'));

const whoAmI = { name: 'AMPAREX', parameters: { operation: 'whoAmI' } };
const PINCODES = (DEMO_TENANT.users ?? []).map((user) => user.pincode);


/** No password, pincode or token of this test in the error, the saved execution or the log. */
async function expectNoSecrets(/** @type {any} */ result, /** @type {string[]} */ extra = []) {
	await logSettled();
	const places = {
		error: serializeError(result.error),
		savedExecution: result.saved(),
		log: logLines.join('\n'),
	};
	const secrets = [
		DEMO_TENANT.serviceAccount.password,
		...PINCODES.map((pincode) => `pincode=${pincode}`),
		...sim.state.issuedTokens,
		...extra,
	];
	for (const [place, text] of Object.entries(places)) {
		for (const secret of secrets) {
			if (text.includes(secret)) throw new Error(`A secret reached the ${place}: ${secret.slice(0, 3)}…`);
		}
	}
}

describe('wrong password', () => {
	test('costs one login attempt for a multi-item execution, with a clear message', async () => {
		const n8n = n8nWith({ password: 'Wrong-Passw0rd!one' });
		const result = await n8n.run([whoAmI], [{}, {}, {}, {}, {}]);
		expect(result.error.message).toBe('AMPAREX rejected the login: wrong username or password');
		expect(result.error.description).toMatch(/Check Username and Password/);
		const stats = await sim.stats();
		record('wrong password, 5 items', stats);
		expect(stats.logins).toEqual({ succeeded: 0, failed: 1, withCredentialsInUrl: 0 });
		expect(stats.totalRequests).toBe(1);
		// n8n core logged the failure (so the log check below has something to search)
		expect(await waitForLog('AMPAREX rejected the login')).toBe(true);
		await expectNoSecrets(result, ['Wrong-Passw0rd!one']);
	});

	test('with Continue On Fail every item gets the error, paired, still one attempt', async () => {
		const n8n = n8nWith({ password: 'Wrong-Passw0rd!two' });
		const result = await n8n.run([{ ...whoAmI, continueOnFail: true }], [{}, {}, {}]);
		expect(result.error).toBeUndefined();
		const output = result.output('AMPAREX');
		expect(output).toHaveLength(3);
		output.forEach((item, index) => {
			expect(item.json.error).toBe('AMPAREX rejected the login: wrong username or password');
			expect(item.pairedItem).toEqual({ item: index });
		});
		expect((await sim.stats()).logins.failed).toBe(1);
		await expectNoSecrets(result, ['Wrong-Passw0rd!two']);
	});

	test('later executions and other nodes do not send it again, so the account is not locked', async () => {
		const n8n = n8nWith({ password: 'Wrong-Passw0rd!three' });
		for (let run = 0; run < 4; run++) await n8n.run([whoAmI]);
		const alias = encodeURIComponent(DEMO_TENANT.alias);
		const other = await n8n.run(
			[{ name: 'Caller', type: 'test.credentialCaller', parameters: { url: `${sim.baseUrl}/alias/${alias}/protected/whoami` } }],
			[{}, {}],
		);
		expect(other.error.message).toBe('AMPAREX rejected the login: wrong username or password');
		const stats = await sim.stats();
		record('wrong password, 5 executions + 2 items elsewhere', stats, 'lock after 3 failures');
		expect(stats.logins.failed).toBe(1);
		expect(stats.lockedAccounts).toEqual([]);

		// The user corrects the password: n8n tries at once.
		n8n.addCredential('amparex', demoCredential(sim.baseUrl));
		expect((await n8n.run([whoAmI])).error).toBeUndefined();
	});

	test('a password weaker than the AMPAREX policy gets the login message naming the policy', async () => {
		const n8n = n8nWith({ alias: 'weak-password-tenant=', username: 'weak', password: 'short' });
		const result = await n8n.run([whoAmI]);
		expect(result.error.message).toBe('AMPAREX rejected the login: wrong username or password');
		expect(result.error.description).toMatch(/password policy/);
		await expectNoSecrets(result, ['short']);
	});

	test('a password outside Latin-1 is refused before any request', async () => {
		const n8n = n8nWith({ password: 'Hasło-😀-2024!' });
		const result = await n8n.run([whoAmI], [{}, {}]);
		expect(result.error.message).toBe(
			'The password of the AMPAREX API credential contains characters that cannot be sent to AMPAREX',
		);
		expect((await sim.stats()).totalRequests).toBe(0);
		await expectNoSecrets(result, ['Hasło-😀-2024!']);
	});
});

describe('AMPAREX status codes', () => {
	test('402 API not activated: clear message, not retried', async () => {
		const result = await n8nWith({ alias: 'no-api-tenant=' }).run([whoAmI]);
		expect(result.error.message).toBe(
			'AMPAREX refused the call: the API is not activated or the call limit is used up (402)',
		);
		const stats = await sim.stats();
		record('402 API not activated', stats);
		expect(stats.totalRequests).toBe(1);
		await expectNoSecrets(result);
	});

	test('402 call limit reached mid-execution: no retry, earlier items kept with Continue On Fail', async () => {
		// callLimit 3: the login and two calls fit.
		const result = await n8nWith({ alias: 'tiny-quota-tenant=' }).run([{ ...whoAmI, continueOnFail: true }], [{}, {}, {}, {}]);
		const output = result.output('AMPAREX');
		expect(output.map((item) => (item.json.error ? 'error' : 'ok'))).toEqual(['ok', 'ok', 'error', 'error']);
		expect(output[2].json.error).toMatch(/call limit is used up \(402\)/);
		expect(output.map((item) => item.pairedItem.item)).toEqual([0, 1, 2, 3]);
		const stats = await sim.stats();
		record('402 call limit after 2 of 4 items', stats);
		expect(stats.requests).toEqual({ 'POST /login': 1, 'GET /protected/whoami': 4 });
		await expectNoSecrets(result);
	});

	test.each([
		[403, 'The AMPAREX user is not allowed to make this call (403)'],
		[404, 'AMPAREX did not find what was asked for (404)'],
		[422, 'AMPAREX rejected the values sent as not valid (422)'],
		[500, 'The AMPAREX server failed to answer the request (HTTP 500)'],
		[502, 'The AMPAREX server failed to answer the request (HTTP 502)'],
	])('%i on a call: its message, and no retry', async (status, message) => {
		await sim.fault({ route: 'GET /protected/whoami', status, count: 5 });
		const result = await n8nWith().run([whoAmI]);
		expect(result.error.message).toBe(message);
		expect(result.error.httpCode).toBe(String(status));
		const stats = await sim.stats();
		expect(stats.requests).toEqual({ 'POST /login': 1, 'GET /protected/whoami': 1 });
		await expectNoSecrets(result);
	});

	test('an unknown alias with Continue On Fail: every item gets the error, one login attempt', async () => {
		const result = await n8nWith({ alias: 'no-such-alias-cof=' }).run([{ ...whoAmI, continueOnFail: true }], [{}, {}, {}]);
		expect(result.error).toBeUndefined();
		const output = result.output('AMPAREX');
		expect(output.map((item) => item.json.error)).toEqual(Array(3).fill('AMPAREX knows no service for this alias (503)'));
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect((await sim.stats()).requests).toEqual({ 'POST /login': 1 });
	});

	test('503 unknown alias on login', async () => {
		const result = await n8nWith({ alias: 'no-such-alias=' }).run([whoAmI]);
		expect(result.error.message).toBe('AMPAREX knows no service for this alias (503)');
		expect(result.error.description).toMatch(/Check the Alias/);
		expect((await sim.stats()).totalRequests).toBe(1);
	});

	test('401 that persists after the new login: exactly one new login, then a clear message', async () => {
		await sim.fault({ route: 'GET /protected/whoami', status: 401, count: 5 });
		const result = await n8nWith().run([whoAmI]);
		expect(result.error.message).toBe('AMPAREX rejected the session even after a new login');
		const stats = await sim.stats();
		record('401 on every call', stats, 'one new login per 401');
		expect(stats.requests).toEqual({ 'POST /login': 2, 'GET /protected/whoami': 2 });
		await expectNoSecrets(result);
	});

	test('a token from Options that AMPAREX rejects: its message, and no login with the credential', async () => {
		// As in a workflow: the token comes from an earlier step's output through an expression.
		const result = await n8nWith().run(
			[{ name: 'AMPAREX', parameters: { operation: 'whoAmI', options: { token: '={{ $json.token }}' } } }],
			[{ token: 'no-such-token' }],
		);
		expect(result.error.message).toBe('AMPAREX rejected the token given in Options → Token');
		expect(await sim.stats()).toMatchObject({ requests: { 'GET /protected/whoami': 1 }, totalRequests: 1 });
		await expectNoSecrets(result);
		// The token is in this execution's input (the earlier step's output, which real n8n redacts
		// through sensitiveOutputFields); the node must not copy it into the error or the log.
		await logSettled();
		expect(serializeError(result.error)).not.toContain('no-such-token');
		expect(logLines.join('\n')).not.toContain('no-such-token');
	});
});

describe('network and protocol failures', () => {
	test('connection refused', async () => {
		const port = await new Promise((resolve) => {
			const server = net.createServer().listen(0, '127.0.0.1', () => {
				const { port: free } = /** @type {net.AddressInfo} */ (server.address());
				server.close(() => resolve(free));
			});
		});
		const result = await n8nWith({ baseUrl: `http://127.0.0.1:${port}/amparex/webaxapi` }).run([whoAmI]);
		expect(result.error.message).toBe('Could not connect to AMPAREX: the connection was refused');
		await expectNoSecrets(result);
	});

	test('DNS failure', async () => {
		// The reserved .invalid name fails inside Node's resolver; no query leaves the machine.
		const lookup = dns.lookup;
		const promisesLookup = dns.promises.lookup;
		const notFound = (/** @type {string} */ host) =>
			Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
		// @ts-ignore test double for the resolver of one reserved name
		dns.lookup = function (host, options, callback) {
			const cb = typeof options === 'function' ? options : callback;
			if (host === 'amparex-server.invalid') return process.nextTick(() => cb(notFound(host)));
			return lookup.call(this, host, options, callback);
		};
		// @ts-ignore
		dns.promises.lookup = async (host, options) =>
			host === 'amparex-server.invalid' ? Promise.reject(notFound(host)) : promisesLookup(host, options);
		try {
			const result = await n8nWith({ baseUrl: 'http://amparex-server.invalid:8078/amparex/webaxapi' }).run([whoAmI]);
			expect(result.error.message).toBe(
				'Could not find the AMPAREX server: the host name of the Base URL does not resolve',
			);
			await expectNoSecrets(result);
		} finally {
			dns.lookup = lookup;
			dns.promises.lookup = promisesLookup;
		}
	});

	test('a timeout names the waiting time', async () => {
		const n8n = n8nWith();
		await n8n.run([whoAmI]);
		await sim.fault({ route: 'GET /protected/whoami', delayMs: 1500 });
		const result = await n8n.run([{ name: 'AMPAREX', parameters: { operation: 'whoAmI', options: { timeout: 300 } } }]);
		expect(result.error.message).toBe('AMPAREX did not answer within 0.3 s');
		await expectNoSecrets(result);
	});

	test('a dropped connection', async () => {
		await sim.fault({ route: 'GET /protected/whoami', drop: true });
		const result = await n8nWith().run([whoAmI]);
		expect(result.error.message).toBe('The connection to AMPAREX was dropped before it answered');
		await expectNoSecrets(result);
	});

	test('an answer that is not JSON (a proxy page)', async () => {
		await sim.fault({ route: 'GET /protected/whoami', notJson: true });
		const result = await n8nWith().run([whoAmI]);
		expect(result.error.message).toBe('AMPAREX answered with a web page instead of JSON (HTTP 200)');
		expect(result.error.description).toMatch(/ends with \/amparex\/webaxapi/);
		await expectNoSecrets(result);
	});

	test('TLS: https to a server that speaks plain http', async () => {
		const result = await n8nWith({ baseUrl: sim.baseUrl.replace('http:', 'https:') }).run([whoAmI]);
		expect(result.error.message).toMatch(/^The secure \(HTTPS\) connection to AMPAREX failed/);
		await expectNoSecrets(result);
	});

	test('TLS: a self-signed certificate fails, and works with Ignore SSL Issues', async () => {
		const fixtures = path.join(__dirname, 'fixtures');
		const tlsSim = await startSimulator(testConfig(), {
			tls: {
				key: fs.readFileSync(path.join(fixtures, 'selfsigned-key.pem')),
				cert: fs.readFileSync(path.join(fixtures, 'selfsigned-cert.pem')),
			},
		});
		try {
			const strict = new N8nInstance();
			strict.addCredential('amparex', demoCredential(tlsSim.baseUrl));
			const refused = await strict.run([whoAmI]);
			expect(refused.error.message).toMatch(/^The secure \(HTTPS\) connection to AMPAREX failed \(.*SELF_SIGNED.*\)/);
			expect(refused.error.description).toMatch(/Ignore SSL Issues/);

			const lenient = new N8nInstance();
			lenient.addCredential('amparex', demoCredential(tlsSim.baseUrl, { ignoreSslIssues: true }));
			const result = await lenient.run([whoAmI]);
			expect(result.error).toBeUndefined();
			expect((await tlsSim.stats()).requests).toEqual({ 'POST /login': 1, 'GET /protected/whoami': 1 });
		} finally {
			await tlsSim.close();
		}
	});
});

test('an unknown operation fails cleanly, before any request', async () => {
	const result = await n8nWith().run([{ name: 'AMPAREX', parameters: { operation: '__CUSTOM_API_CALL__' } }]);
	expect(result.error.message).toBe('The operation "__CUSTOM_API_CALL__" is not supported by the AMPAREX Login node');
	expect(result.error.description).toMatch(/HTTP Request node/);
	expect((await sim.stats()).totalRequests).toBe(0);
});

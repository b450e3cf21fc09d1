'use strict';
/**
 * The package inside real n8n installations (the 2.x line and the last 1.x line): installed from
 * its tarball as a community package, credentials and workflows imported with n8n's CLI, run with
 * `n8n execute`, against the simulator on loopback. Asserts outputs and the simulator's stats.
 */
const { ensureN8n, N8N_VERSIONS } = require('./install');
const { N8nCli, packTarball, ownerSession } = require('./n8n');
const { workflows, credentials, examples } = require('./workflows');
const { startSimulator, testConfig, DEMO_TENANT } = require('../test/helpers/simulator');

const LINES = (process.env.E2E_N8N_LINES ?? Object.keys(N8N_VERSIONS).join(',')).split(',');
/** line → scenario → result, printed as the compatibility table at the end */
const table = {};
let tarball;

/** Where a secret occurs in `text`: its name and the text around it, with the secret masked. */
function leaks(/** @type {string} */ text, /** @type {Record<string, string>} */ secrets) {
	const found = [];
	for (const [name, secret] of Object.entries(secrets)) {
		let at = text.indexOf(secret);
		while (at >= 0 && found.length < 10) {
			found.push(`${name}: …${text.slice(Math.max(0, at - 120), at)}***${text.slice(at + secret.length, at + secret.length + 40)}…`);
			at = text.indexOf(secret, at + 1);
		}
	}
	return found;
}

beforeAll(() => {
	tarball = packTarball();
});
afterAll(() => {
	if (tarball) require('node:fs').rmSync(require('node:path').dirname(tarball), { recursive: true, force: true });
});

afterAll(() => {
	const scenarios = [...new Set(Object.values(table).flatMap((results) => Object.keys(results)))];
	const width = Math.max(...scenarios.map((scenario) => scenario.length), 8);
	const cell = Math.max(...Object.values(table).flatMap((results) => Object.values(results).map((value) => String(value).length + 2)), 28);
	const header = `${'scenario'.padEnd(width)}  ${LINES.map((line) => `n8n ${N8N_VERSIONS[line].version}`.padEnd(cell)).join('')}`;
	const rows = scenarios.map((scenario) => `${scenario.padEnd(width)}  ${LINES.map((line) => String(table[line]?.[scenario] ?? '-').padEnd(cell)).join('')}`);
	process.stdout.write(['', 'Compatibility (AMPAREX logins / requests measured by the simulator)', header, ...rows, ''].join('\n') + '\n');
});

describe.each(LINES)('n8n %s', (line) => {
	let sim;
	let n8n;
	const results = (table[line] = {});
	/** Tokens that Switch Branch steps output: n8n keeps node output in its execution data. */
	const outputTokens = [];
	const delta = async (before) => {
		const after = await sim.stats();
		const logins = after.requests['POST /login'] ?? 0;
		return {
			logins: logins - (before.requests['POST /login'] ?? 0),
			requests: after.totalRequests - before.totalRequests,
			failedLogins: after.logins.failed - before.logins.failed,
			after,
		};
	};

	beforeAll(async () => {
		const install = ensureN8n(line);
		sim = await startSimulator(testConfig());
		n8n = new N8nCli(install, tarball);
		await n8n.importCredentials(credentials(sim.baseUrl, DEMO_TENANT));
		await n8n.importWorkflows([...workflows(sim.baseUrl, DEMO_TENANT), ...examples(sim.baseUrl)]);
	});

	afterAll(async () => {
		await sim?.close();
		n8n?.remove();
	});

	test('Who Am I three times in a row logs in once: the token is kept in n8n’s credential store', async () => {
		const before = await sim.stats();
		for (let run = 0; run < 3; run++) {
			const result = await n8n.execute('whoami');
			expect(result.ok).toBe(true);
			expect(JSON.stringify(result.data)).toContain(DEMO_TENANT.serviceAccount.username);
		}
		const { logins, requests } = await delta(before);
		results['Who Am I x3 (separate executions)'] = `${logins} login / ${requests} requests`;
		expect(logins).toBe(1);
		expect(requests).toBe(4);
	});

	test('the HTTP Request node with the AMPAREX API credential reuses the cached session', async () => {
		const before = await sim.stats();
		const result = await n8n.execute('httprequest');
		expect(result.ok).toBe(true);
		expect(JSON.stringify(result.data)).toContain('Müller');
		const { logins, after } = await delta(before);
		results['HTTP Request node, 2 calls'] = `${logins} login / ${after.totalRequests - before.totalRequests} requests`;
		expect(logins).toBe(0);
		expect(after.requests['POST /protected/branches/search'] - (before.requests['POST /protected/branches/search'] ?? 0)).toBe(1);
	});

	test('Switch Branch → Who Am I with the token → Logout', async () => {
		const before = await sim.stats();
		const result = await n8n.execute('switchchain');
		expect(result.ok).toBe(true);
		const switched = /"token":"([^"]+)"/.exec(JSON.stringify(result.data))?.[1];
		expect(switched).toEqual(expect.any(String));
		outputTokens.push(switched);
		// the chain ended with Logout: the token n8n stored with the execution is already invalid
		expect(sim.state.sessions.has(switched)).toBe(false);
		const text = JSON.stringify(result.data);
		expect(text).toContain(`"loginBranchID":"${DEMO_TENANT.branches[1].id}"`);
		expect(text).toContain('"loggedOut":true');
		const { logins, requests } = await delta(before);
		results['Switch Branch → Who Am I → Logout'] = `${logins} login / ${requests} requests`;
		expect(logins).toBe(0);
		expect(requests).toBe(3);
	});

	test('a credential with Branch ID runs its calls in that branch', async () => {
		const result = await n8n.execute('branchcredential');
		expect(result.ok).toBe(true);
		expect(JSON.stringify(result.data)).toContain(`"loginBranchID":"${DEMO_TENANT.branches[2].id}"`);
		results['credential with Branch ID'] = 'ok';
	});

	test('an expired token: the next execution logs in once more and succeeds', async () => {
		await sim.expireTokens();
		const before = await sim.stats();
		const result = await n8n.execute('whoami');
		expect(result.ok).toBe(true);
		const { logins, requests } = await delta(before);
		results['expired token, 1 execution'] = `${logins} login / ${requests} requests`;
		expect(logins).toBe(1);
		expect(requests).toBe(3);
	});

	test.each(examples('').map((example) => [example.name, example.id]))('the shipped example "%s" runs', async (_name, id) => {
		const result = await n8n.execute(id);
		expect(result.ok).toBe(true);
		// a Switch Branch token an example outputs is stored with the execution: it must be logged out
		for (const [, token] of JSON.stringify(result.data).matchAll(/"token":"([^"]+)"/g)) {
			outputTokens.push(token);
			expect(sim.state.sessions.has(token)).toBe(false);
		}
		results[`example ${id}`] = 'ok';
	});

	test('on a started n8n, the editor’s REST calls work: credential test and the branch list', async () => {
		const server = await n8n.start(LINES.indexOf(line) + 45678);
		try {
			const owner = await ownerSession(server.url);
			const rest = owner.post;
			const [good, , wrong] = credentials(sim.baseUrl, DEMO_TENANT);
			const before = await sim.stats();
			// as the editor sends it: the saved credential's id with the form's data
			const goodTest = { credentials: { id: good.id, name: good.name, type: 'amparexApi', data: good.data } };
			const ok = await rest('credentials/test', goodTest);
			expect(ok).toMatchObject({ status: 200 });
			expect(ok.body.data).toEqual({ status: 'OK', message: 'Connection successful!' });
			const failed = await rest('credentials/test', { credentials: { id: wrong.id, name: wrong.name, type: 'amparexApi', data: wrong.data } });
			expect(failed.body.data).toEqual({ status: 'Error', message: 'AMPAREX rejected the login: wrong username or password' });

			const list = await rest('dynamic-node-parameters/resource-locator-results', {
				methodName: 'searchBranches',
				path: 'branchId',
				nodeTypeAndVersion: { name: 'n8n-nodes-amparex.amparexLogin', version: 1 },
				currentNodeParameters: { operation: 'switchBranch', branchId: { __rl: true, mode: 'list', value: '' } },
				credentials: { amparexApi: { id: 'amparexDemo', name: 'AMPAREX demo' } },
				filter: 'optik',
			});
			expect(list.status).toBe(200);
			expect(list.body.data.results).toEqual([{ name: DEMO_TENANT.branches[1].name, value: DEMO_TENANT.branches[1].id }]);
			const { logins, failedLogins } = await delta(before);
			results['editor: credential test + branch list'] = `${logins} logins (${failedLogins} failed)`;
			// the credential test logs in afresh; the branch list uses the stored session
			expect(logins).toBe(2);
			expect(failedLogins).toBe(1);

			// When the test's Who Am I call fails, the credential's rules word it as a workflow would.
			// n8n 1.x drops the cause of the error its test gets, so it words a failing status itself.
			await sim.fault({ route: 'GET /protected/whoami', count: 1, status: 502 });
			const gateway = (await rest('credentials/test', goodTest)).body.data;
			results['editor: credential test, Who Am I 502'] = gateway.message;
			expect(gateway).toEqual({
				status: 'Error',
				message: line === '1.x' ? 'Bad gateway - the service failed to handle your request' : 'The AMPAREX server failed to answer the request (HTTP 502)',
			});
			await sim.fault({ route: 'GET /protected/whoami', count: 1, html: true });
			const page = (await rest('credentials/test', goodTest)).body.data;
			results['editor: credential test, HTML page'] = page.message;
			expect(page).toEqual({ status: 'Error', message: 'AMPAREX answered with a web page instead of JSON (HTTP 200)' });
		} finally {
			await server.stop();
		}
	});

	test('a wrong password: clear message, one login attempt, no secret in database, executions or log', async () => {
		const before = await sim.stats();
		const result = await n8n.execute('wrongpassword');
		expect(result.ok).toBe(false);
		expect(result.stdout + result.stderr).toContain('AMPAREX rejected the login: wrong username or password');
		const second = await n8n.execute('wrongpassword');
		expect(second.ok).toBe(false);
		const { failedLogins, logins } = await delta(before);
		results['wrong password, 2 executions'] = `${failedLogins} login attempt(s)`;
		// each `n8n execute` is a new process: one attempt per execution, never two
		expect(failedLogins).toBe(2);
		expect(logins).toBe(2);

		// Session tokens of the credentials live only encrypted in the credential; the token a
		// Switch Branch step outputs is that node's output, which n8n stores with the execution
		// (its editor and API show it redacted, as the node marks it sensitive).
		const sessionTokens = sim.state.issuedTokens.filter((token) => !outputTokens.includes(token));
		expect(sessionTokens.length).toBeGreaterThanOrEqual(3);
		const secrets = {
			password: DEMO_TENANT.serviceAccount.password,
			'wrong password': 'Wrong-Passw0rd!e2e',
			...Object.fromEntries(sessionTokens.map((token, index) => [`session token ${index + 1}`, token])),
		};
		const stored = n8n.storedData();
		// the database holds the executions' data, so the search means something
		expect(stored).toContain('loginBranchID');
		expect(leaks(stored, secrets)).toEqual([]);
		const outputs = Object.fromEntries(outputTokens.map((token, index) => [`output token ${index + 1}`, token]));
		expect(leaks(n8n.log, { ...secrets, ...outputs })).toEqual([]);
	});
});

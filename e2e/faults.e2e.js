'use strict';
/**
 * The fault matrix, in a real n8n 2.x: every operation of the node (and the credential test)
 * through the simulator's faults, with Continue On Fail off and on. For each case: the message
 * of the README's error table, n8n still running, no unbounded retry, paired items intact, and
 * no password, pincode or session token in the error, the saved execution or n8n's log. Writes
 * docs/reliability.md from the run.
 */
const fs = require('node:fs');
const path = require('node:path');

const { ensureN8n, ROOT } = require('./install');
const { packTarball } = require('./n8n');
const { launch } = require('./instance');
const { credentials, webhookChain } = require('./workflows');
const { startSimulator, DEMO_TENANT, UNLIMITED_TENANT } = require('../test/helpers/simulator');

const NODE = 'n8n-nodes-amparex.amparexLogin';
const PORT = 5730;
const ITEMS = [1, 2];
const TIMEOUT_MS = 1000;
const FAULT_USER = { username: 'fault.user', password: 'Fault-Passw0rd!2024', pincode: '938271', staffId: '7b3e2c9a5d4f6e8a0b1c2d3e4f506172' };
const LOCKED_USER = { username: 'locked.user', password: 'Locked-Passw0rd!2024', pincode: '615243' };
const tenant = { ...UNLIMITED_TENANT, lockAfterFailedLogins: 3, users: [...DEMO_TENANT.users, FAULT_USER, LOCKED_USER] };

/** The node's operations and the AMPAREX route each one calls. */
const OPERATIONS = [
	{ operation: 'whoAmI', route: 'GET /protected/whoami', parameters: {} },
	{ operation: 'changeUser', route: 'POST /protected/changeUser', parameters: { pincode: FAULT_USER.pincode } },
	{ operation: 'switchBranch', route: 'POST /protected/axlogin', parameters: { branchId: { __rl: true, mode: 'id', value: DEMO_TENANT.branches[1].id } } },
	{ operation: 'logout', route: 'POST /protected/logout', parameters: {} },
];

const serverError = (status) => `The AMPAREX server failed to answer the request (HTTP ${status})`;
/**
 * Faults at the operation's route (`fault`) or in the credential (`credential`); `message` is
 * what the user sees, null when the execution succeeds.
 *
 * `credentialTest`: where the credential test differs. Its rules word HTTP statuses and bodies
 * as a workflow does, but n8n's declarative test has no rule for network failures: a connection
 * dropped after the test's login shows n8n's network code (`sees`). The latency case is not run
 * for the test: n8n gives every test request 300 s, whatever the credential asks for.
 */
const CASES = [
	{ name: `latency beyond the timeout (3 s; Timeout ${TIMEOUT_MS / 1000} s)`, fault: { delayMs: 3000 }, message: `AMPAREX did not answer within ${TIMEOUT_MS / 1000} s`, noCredentialTest: true },
	{ name: 'dropped connection', fault: { drop: true }, message: 'The connection to AMPAREX was dropped before it answered', credentialTest: { sees: 'ECONNRESET' } },
	{ name: 'HTTP 500', fault: { status: 500 }, message: serverError(500) },
	{ name: 'HTTP 502', fault: { status: 502 }, message: serverError(502) },
	{ name: 'a body that is not JSON', fault: { plainText: true }, message: 'AMPAREX answered with something instead of JSON (HTTP 200)' },
	{ name: 'an HTML error page (HTTP 200)', fault: { html: true }, message: 'AMPAREX answered with a web page instead of JSON (HTTP 200)' },
	{ name: 'token revoked at the 2nd item (401)', fault: { revokeTokens: true, skip: 1 }, message: null, maxLogins: 1 },
	{ name: 'call limit used up at the 2nd item (402)', fault: { status: 402, skip: 1, count: 10 }, message: 'AMPAREX refused the call: the API is not activated or the call limit is used up (402)', noRetry: true },
	{ name: 'server down', credential: { baseUrl: 'http://127.0.0.1:9/amparex/webaxapi' }, message: 'Could not connect to AMPAREX: the connection was refused' },
	{ name: 'unknown alias', credential: { alias: 'unknown-alias-e2e=' }, message: 'AMPAREX knows no service for this alias (503)' },
	{ name: 'locked account', credential: { username: LOCKED_USER.username, password: LOCKED_USER.password }, message: 'AMPAREX rejected the login: wrong username or password', lock: true },
];

let sim;
let n8n;
let tarball;
const rows = [];
/** Tokens the node outputs by design (Change User, Switch Branch): not secrets of the credential. */
const outputTokens = new Set();
const runData = [];

const workflowId = (operation, continueOnFail) => `fault-${operation}-${continueOnFail ? 'on' : 'off'}`;

beforeAll(async () => {
	tarball = packTarball();
	sim = await startSimulator({ tokenValiditySeconds: 3600, tenants: [tenant] });
	const workflows = OPERATIONS.flatMap(({ operation, parameters }) =>
		[false, true].map((continueOnFail) =>
			webhookChain(workflowId(operation, continueOnFail), [
				{
					id: `${operation}-${continueOnFail}`,
					name: 'AMPAREX',
					type: NODE,
					typeVersion: 1,
					position: [0, 0],
					parameters: { operation, ...parameters, options: { timeout: TIMEOUT_MS } },
					credentials: { amparexApi: { id: 'amparexDemo', name: 'AMPAREX demo' } },
					...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
				},
			]),
		),
	);
	n8n = await launch({ install: ensureN8n('2.x'), tarball, port: PORT, credentials: credentials(sim.baseUrl, tenant).slice(0, 1), workflows });
});

afterAll(async () => {
	await n8n?.stop();
	await sim?.close();
	if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	if (rows.length) writeReport();
});

const count = (before, after, route) => (after.requests[route] ?? 0) - (before.requests[route] ?? 0);

describe.each(CASES)('$name', (fault) => {
	const [baseCredential] = credentials('', tenant);
	const credentialData = () => ({ ...credentials(sim.baseUrl, tenant)[0].data, ...(fault.credential ?? {}) });

	beforeAll(async () => {
		if (fault.lock) {
			// lock the account as three wrong passwords do
			for (let attempt = 0; attempt < 3; attempt++) {
				await fetch(`${sim.baseUrl}/alias/${encodeURIComponent(tenant.alias)}/login`, { method: 'POST', headers: { username: LOCKED_USER.username, password: 'not-the-password' } });
			}
		}
		if (fault.credential) await n8n.n8n.importCredentials([{ ...baseCredential, data: credentialData() }]);
	});
	afterAll(async () => {
		if (fault.credential) await n8n.resetCredentials();
	});

	test.each(OPERATIONS.flatMap((op) => [false, true].map((continueOnFail) => ({ ...op, continueOnFail }))))(
		'$operation, Continue On Fail $continueOnFail',
		async ({ operation, route, continueOnFail }) => {
			if (!fault.credential) {
				// a valid session first, so the fault meets the operation's call
				await n8n.webhook(workflowId('whoAmI', false));
				await sim.fault({ route, count: 1, ...fault.fault });
			}
			const before = await sim.stats();
			const answer = await n8n.webhook(workflowId(operation, continueOnFail), ITEMS);
			const after = await sim.stats();
			await sim.clearFaults();
			const [execution] = await n8n.executions(workflowId(operation, continueOnFail));
			runData.push(JSON.stringify(execution.data.resultData));
			const nodeRun = execution.data.resultData.runData.AMPAREX?.[0];
			const items = nodeRun?.data?.main?.[0] ?? [];
			for (const item of items) if (typeof item.json.token === 'string') outputTokens.add(item.json.token);
			const error = execution.data.resultData.error;
			const itemErrors = items.map((item) => item.json.error).filter(Boolean);
			const seen = continueOnFail ? itemErrors[0] : error?.message;

			// n8n keeps running, and the user sees the README's message
			expect(n8n.server.exitCode()).toBeNull();
			expect((await fetch(`${n8n.server.url}/healthz`)).status).toBe(200);
			if (fault.message === null) {
				expect(execution.status).toBe('success');
				expect(itemErrors).toEqual([]);
			} else if (continueOnFail) {
				expect(execution.status).toBe('success');
				expect(answer.status).toBe(200);
				expect(itemErrors.length).toBeGreaterThanOrEqual(1);
				for (const message of itemErrors) expect(message).toBe(fault.message);
			} else {
				expect(execution.status).toBe('error');
				expect(error.message).toBe(fault.message);
			}
			// Continue On Fail: one output item per input item, each paired with its own
			if (continueOnFail || fault.message === null) {
				expect(items).toHaveLength(ITEMS.length);
				expect(items.map((item) => item.pairedItem?.item ?? item.pairedItem?.[0]?.item)).toEqual(ITEMS.map((_, index) => index));
			}
			// no unbounded retry
			const logins = count(before, after, 'POST /login');
			const calls = count(before, after, route);
			if (fault.maxLogins !== undefined) expect(logins).toBeLessThanOrEqual(fault.maxLogins);
			if (fault.noRetry) expect(calls).toBeLessThanOrEqual(ITEMS.length);
			if (fault.fault && fault.message !== null) expect(logins).toBe(0);
			if (fault.credential) expect(logins).toBeLessThanOrEqual(1);
			expect(calls).toBeLessThanOrEqual(ITEMS.length * 2);

			// a delayed request is still answered (a Logout still ends the session): let it finish
			if (fault.fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.fault.delayMs));
			rows.push({ case: fault.name, operation, continueOnFail, seen: seen ?? 'succeeds', logins, calls, requests: after.totalRequests - before.totalRequests, items: items.length });
		},
	);

	(fault.noCredentialTest ? test.skip : test)('the credential test', async () => {
		// the test makes one Who Am I call: the fault meets that call
		if (!fault.credential) await sim.fault({ route: 'GET /protected/whoami', count: 1, ...fault.fault, skip: 0 });
		const before = await sim.stats();
		const result = await n8n.owner.post('credentials/test', { credentials: { id: 'amparexDemo', name: 'AMPAREX demo', type: 'amparexApi', data: credentialData() } });
		const after = await sim.stats();
		await sim.clearFaults();
		expect(result.status).toBe(200);
		const message = fault.credentialTest?.sees ?? fault.message;
		const expected = message === null ? { status: 'OK', message: 'Connection successful!' } : { status: 'Error', message };
		expect(result.body.data).toEqual(expected);
		runData.push(JSON.stringify(result.body));
		const logins = count(before, after, 'POST /login');
		expect(logins).toBeLessThanOrEqual(2);
		rows.push({ case: fault.name, operation: 'credential test', continueOnFail: null, seen: result.body.data.message, logins, calls: count(before, after, 'GET /protected/whoami'), requests: after.totalRequests - before.totalRequests, items: null });
	});
});

test('no password, pincode or session token in any error, saved execution or log', () => {
	const sessionTokens = sim.state.issuedTokens.filter((token) => !outputTokens.has(token));
	expect(sessionTokens.length).toBeGreaterThan(5);
	const secrets = [tenant.serviceAccount.password, FAULT_USER.password, FAULT_USER.pincode, LOCKED_USER.password, ...sessionTokens];
	const everything = [...runData, n8n.n8n.log].join('\n');
	// the search sees the executions: their messages are in it
	expect(everything).toContain('AMPAREX rejected the login');
	expect(secrets.filter((secret) => everything.includes(secret))).toEqual([]);
});

function writeReport() {
	const onOff = (value) => (value === null ? '–' : value ? 'on' : 'off');
	const lines = [
		'# Reliability: the fault matrix',
		'',
		'Written by `e2e/faults.e2e.js` (part of `npm run test:e2e`) from the run it describes. A real',
		`n8n ${ensureN8n('2.x').version} runs every operation of the AMPAREX Login node, started by a webhook with ${ITEMS.length} items,`,
		"through the simulator's faults (at the operation's AMPAREX route, from its first or second call),",
		'with Continue On Fail off and on, and the credential test. Each case asserts: the message below',
		"(the README's error table), n8n still running, no retry beyond one new login per 401 and none for",
		'402, one output item per input item paired with it under Continue On Fail, and no password,',
		'pincode or session token in any error, saved execution or log line.',
		'',
		'"calls" counts the requests to the operation\'s AMPAREX route; "logins" the logins; "requests" all',
		'AMPAREX requests of the execution. Logout ends the credential\'s session, so the next case logs in',
		'afresh; after a rejected password the package sends it again only after 10 minutes (or once the',
		'credential is saved with a different one), so later rows of the locked account show 0 logins.',
		'',
		'| case | operation | Continue On Fail | what the user sees | calls | logins | requests | output items |',
		'| --- | --- | --- | --- | ---: | ---: | ---: | ---: |',
		...rows.map((row) => `| ${row.case} | ${row.operation} | ${onOff(row.continueOnFail)} | ${row.seen} | ${row.calls} | ${row.logins} | ${row.requests} | ${row.items ?? '–'} |`),
		'',
		"The credential test logs in through the package and then sends one Who Am I call; the credential's",
		'test rules word its HTTP statuses and an answer that is not JSON as workflows do. n8n\'s declarative',
		'test has no rule for network failures: a connection dropped after the login shows n8n\'s code,',
		'ECONNRESET (a network failure that also meets the login gets the messages above). The latency case',
		'is not run for the test: n8n gives every credential test request 300 s, whatever the credential asks.',
		'',
	];
	fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
	fs.writeFileSync(path.join(ROOT, 'docs', 'reliability.md'), lines.join('\n'));
}

'use strict';
/**
 * The credential's cached session, run through n8n-core's real request path against the
 * simulator: how many logins and AMPAREX calls each situation costs.
 */
const { simulatorPerTest } = require('./helpers/n8n');
const { DEMO_TENANT, SLASH_ALIAS } = require('./helpers/simulator');
const { record, printReport } = require('./helpers/report');

/** @type {any} the simulator of the running test */
let sim;
const n8nWith = simulatorPerTest((started) => (sim = started));
afterAll(() => printReport('Session'));

const whoAmI = { name: 'AMPAREX', parameters: { operation: 'whoAmI' } };

test('the first call logs in once, stores the token and reuses it in the next execution', async () => {
	const n8n = n8nWith();
	const first = await n8n.run([whoAmI]);
	expect(first.error).toBeUndefined();
	expect(first.output('AMPAREX')[0].json).toMatchObject({ user: DEMO_TENANT.serviceAccount.username });
	const token = n8n.store.read('amparex').sessionToken;
	expect(token).toMatch(/.{16,}/);

	const second = await n8n.run([whoAmI]);
	expect(second.error).toBeUndefined();
	const stats = await sim.stats();
	record('2 executions of 1 Who Am I', stats);
	expect(stats.logins).toEqual({ succeeded: 1, failed: 0, withCredentialsInUrl: 0 });
	expect(stats.requests).toEqual({ 'POST /login': 1, 'GET /protected/whoami': 2 });
	expect(n8n.store.read('amparex').sessionToken).toBe(token);
});

test('N items cost 1 login and N calls', async () => {
	const n8n = n8nWith();
	const items = Array.from({ length: 25 }, (_, index) => ({ index }));
	const result = await n8n.run([whoAmI], items);
	expect(result.error).toBeUndefined();
	const output = result.output('AMPAREX');
	expect(output).toHaveLength(25);
	expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
	const stats = await sim.stats();
	record('1 execution of 25 items', stats);
	expect(stats.requests).toEqual({ 'POST /login': 1, 'GET /protected/whoami': 25 });
});

test('an expired token costs exactly one new login and the call succeeds', async () => {
	const n8n = n8nWith();
	await n8n.run([whoAmI]);
	const oldToken = n8n.store.read('amparex').sessionToken;
	await sim.expireTokens();

	const result = await n8n.run([whoAmI], [{}, {}, {}]);
	expect(result.error).toBeUndefined();
	expect(result.output('AMPAREX')).toHaveLength(3);
	const stats = await sim.stats();
	record('expired token, then 3 items', stats, '1 rejected call, 1 new login');
	expect(stats.requests['POST /login']).toBe(2);
	// 1 (first run) + 1 rejected with 401 + 1 retried + 2 more items
	expect(stats.requests['GET /protected/whoami']).toBe(5);
	expect(n8n.store.read('amparex').sessionToken).not.toBe(oldToken);
});

test('an execution refused with an older token takes the login another execution just made', async () => {
	const n8n = n8nWith();
	await n8n.run([whoAmI]);
	const oldToken = n8n.store.read('amparex').sessionToken;
	await sim.expireTokens();
	expect((await n8n.run([whoAmI])).error).toBeUndefined();
	const newToken = n8n.store.read('amparex').sessionToken;
	expect(newToken).not.toBe(oldToken);

	// an execution that read the credential before the new token was stored
	n8n.store.update('amparex', { ...n8n.store.read('amparex'), sessionToken: oldToken });
	const late = await n8n.run([whoAmI]);
	expect(late.error).toBeUndefined();
	const stats = await sim.stats();
	record('overlapping execution refused with the older token', stats, 'no third login');
	expect(stats.requests['POST /login']).toBe(2);
	expect(n8n.store.read('amparex').sessionToken).toBe(newToken);
});

test('a caller refused with a token from elsewhere (another worker) logs in itself', async () => {
	const n8n = n8nWith();
	await n8n.run([whoAmI]); // this process's recent login
	// another n8n worker logged in and stored its token; then AMPAREX ended every session
	const login = await fetch(`${sim.baseUrl}/alias/${encodeURIComponent(DEMO_TENANT.alias)}/login`, {
		method: 'POST',
		headers: { username: DEMO_TENANT.serviceAccount.username, password: DEMO_TENANT.serviceAccount.password },
	});
	const foreignToken = (await login.json()).value;
	n8n.store.update('amparex', { ...n8n.store.read('amparex'), sessionToken: foreignToken });
	await sim.expireTokens();

	const result = await n8n.run([whoAmI]);
	expect(result.error).toBeUndefined();
	expect((await sim.stats()).requests['POST /login']).toBe(3);
});

test('a caller refused with the newest token itself gets a new login, not that token again', async () => {
	const n8n = n8nWith();
	await n8n.run([whoAmI]);
	await sim.expireTokens();
	const result = await n8n.run([whoAmI]);
	expect(result.error).toBeUndefined();
	const stats = await sim.stats();
	expect(stats.requests['POST /login']).toBe(2);
});

test('the token expires by itself after its validity and n8n logs in again once', async () => {
	await sim.reset({ tokenValiditySeconds: 1 });
	const n8n = n8nWith();
	await n8n.run([whoAmI]);
	await new Promise((resolve) => setTimeout(resolve, 1200));
	const result = await n8n.run([whoAmI]);
	expect(result.error).toBeUndefined();
	const stats = await sim.stats();
	record('token validity 1 s, 2 executions 1.2 s apart', stats);
	expect(stats.requests['POST /login']).toBe(2);
});

test('concurrent executions with no stored token share one login', async () => {
	const n8n = n8nWith();
	const results = await Promise.all(Array.from({ length: 12 }, () => n8n.run([whoAmI])));
	for (const result of results) expect(result.error).toBeUndefined();
	const stats = await sim.stats();
	record('12 executions at once, no token', stats);
	expect(stats.requests['POST /login']).toBe(1);
	expect(stats.requests['GET /protected/whoami']).toBe(12);
});

test('another node using the credential (as the HTTP Request node does) shares the session', async () => {
	const n8n = n8nWith();
	const alias = encodeURIComponent(DEMO_TENANT.alias);
	const result = await n8n.run(
		[
			whoAmI,
			{
				name: 'Customers',
				type: 'test.credentialCaller',
				parameters: {
					method: 'POST',
					url: `${sim.baseUrl}/alias/${alias}/protected/customers/search`,
					body: JSON.stringify({ surname: 'M*' }),
				},
			},
		],
		[{}, {}],
	);
	expect(result.error).toBeUndefined();
	const customers = result.output('Customers');
	expect(customers).toHaveLength(2);
	expect(customers[0].json.result.map((/** @type {any} */ c) => c.surname)).toEqual(['Müller']);
	const stats = await sim.stats();
	record('Who Am I then customers search, 2 items', stats);
	expect(stats.requests).toEqual({ 'POST /login': 1, 'GET /protected/whoami': 2, 'POST /protected/customers/search': 2 });
});

test('a credential with Branch ID runs its calls in that branch', async () => {
	const branch = DEMO_TENANT.branches[2];
	const n8n = n8nWith({ branchId: branch.id });
	const result = await n8n.run([whoAmI], [{}, {}]);
	expect(result.error).toBeUndefined();
	expect(result.output('AMPAREX')[0].json.loginBranchID).toBe(branch.id);
	const stats = await sim.stats();
	record('credential with Branch ID, 2 items', stats, 'login + axlogin');
	expect(stats.requests).toEqual({ 'POST /login': 1, 'POST /protected/axlogin': 1, 'GET /protected/whoami': 2 });
});

test('an alias with "=" and "/" is percent-encoded and works', async () => {
	const n8n = n8nWith({ alias: SLASH_ALIAS });
	const result = await n8n.run([whoAmI]);
	expect(result.error).toBeUndefined();
	expect(sim.state.callCounts.get(SLASH_ALIAS)).toBe(2);
});

test('logging out the credential session: the next call logs in again by itself', async () => {
	const n8n = n8nWith();
	const result = await n8n.run([{ name: 'Logout', parameters: { operation: 'logout' } }, whoAmI]);
	expect(result.error).toBeUndefined();
	expect(result.output('Logout')[0].json).toEqual({ loggedOut: true, session: 'credential' });
	expect(result.output('AMPAREX')[0].json.user).toBe(DEMO_TENANT.serviceAccount.username);
	const stats = await sim.stats();
	record('Logout, then Who Am I', stats, '401 on the old token, 1 new login');
	expect(stats.requests['POST /login']).toBe(2);
	expect(stats.requests['GET /protected/whoami']).toBe(2);
});

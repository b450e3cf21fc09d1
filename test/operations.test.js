'use strict';
/** Each operation of the AMPAREX Login node, through n8n-core against the simulator. */
const { N8nInstance, serializeError, simulatorPerTest } = require('./helpers/n8n');
const { startSimulator, testConfig, demoCredential, DEMO_TENANT } = require('./helpers/simulator');
const { record, printReport } = require('./helpers/report');
const { AmparexLogin } = require('../nodes/AmparexLogin/AmparexLogin.node');

/** @type {any} the simulator of the running test */
let sim;
const n8nWith = simulatorPerTest((started) => (sim = started));
afterAll(() => printReport('Operations'));

const [anna, ben] = /** @type {any[]} */ (DEMO_TENANT.users);
const [head, optik, bahnhof] = DEMO_TENANT.branches;


const withToken = (/** @type {string} */ name, /** @type {string} */ operation) => ({
	name,
	parameters: { operation, options: { token: '={{ $json.token }}' } },
});

test('Who Am I outputs the WhoAmI object as AMPAREX answers it', async () => {
	const result = await n8nWith().run([{ name: 'AMPAREX', parameters: { operation: 'whoAmI' } }]);
	const [item] = result.output('AMPAREX');
	expect(Object.keys(item.json).sort()).toEqual(
		['applicationType', 'callCountMode', 'currentCallCount', 'loginBranchID', 'pinCodeLength', 'remainingCallCount', 'resourceID', 'staffID', 'user'].sort(),
	);
	expect(item.json).toMatchObject({ user: DEMO_TENANT.serviceAccount.username, loginBranchID: head.id, currentCallCount: 2 });
});

test('Switch Branch → Who Am I → Logout works on the switched session', async () => {
	const n8n = n8nWith();
	const result = await n8n.run([
		{ name: 'Switch', parameters: { operation: 'switchBranch', branchId: { __rl: true, mode: 'list', value: optik.id } } },
		withToken('Who', 'whoAmI'),
		{ name: 'Keep token', type: 'n8n-nodes-amparex.amparexLogin', parameters: { operation: 'logout', options: { token: "={{ $('Switch').item.json.token }}" } } },
	]);
	expect(result.error).toBeUndefined();
	const switched = result.output('Switch')[0].json;
	expect(switched).toEqual({ token: expect.any(String), expiryTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), branchId: optik.id });
	expect(result.output('Who')[0].json).toMatchObject({ loginBranchID: optik.id, user: DEMO_TENANT.serviceAccount.username });
	expect(result.output('Keep token')[0].json).toEqual({ loggedOut: true, session: 'token' });

	// The switched session has ended; the credential's own session is untouched.
	const after = await n8n.run([withToken('Who', 'whoAmI')], [{ token: switched.token }]);
	expect(after.error.message).toBe('AMPAREX rejected the token given in Options → Token');
	expect((await n8n.run([{ name: 'Own', parameters: { operation: 'whoAmI' } }])).error).toBeUndefined();
	const stats = await sim.stats();
	record('Switch Branch → Who Am I → Logout', stats);
	expect(stats.requests['POST /login']).toBe(1);
	expect(stats.requests['POST /protected/axlogin']).toBe(1);
});

test('Switch Branch by ID as another AMPAREX user', async () => {
	const result = await n8nWith().run([
		{
			name: 'Switch',
			parameters: {
				operation: 'switchBranch',
				branchId: { __rl: true, mode: 'id', value: bahnhof.id },
				loginAs: 'otherUser',
				username: ben.username,
				password: ben.password,
			},
		},
		withToken('Who', 'whoAmI'),
	]);
	expect(result.error).toBeUndefined();
	expect(result.output('Who')[0].json).toMatchObject({ user: ben.username, loginBranchID: bahnhof.id, staffID: ben.staffId });
});

test('Switch Branch with a wrong password of the other user: clear message, the error adds no password', async () => {
	const result = await n8nWith().run([
		{
			name: 'Switch',
			parameters: {
				operation: 'switchBranch',
				branchId: { __rl: true, mode: 'id', value: bahnhof.id },
				loginAs: 'otherUser',
				username: ben.username,
				password: 'Not-Bens-Passw0rd!',
			},
		},
	]);
	expect(result.error.message).toBe('AMPAREX rejected the branch login: wrong username or password (401)');
	expect(serializeError(result.error)).not.toContain('Not-Bens-Passw0rd!');
});

test('Switch Branch to an unknown branch: 404 message', async () => {
	const result = await n8nWith().run([
		{ name: 'Switch', parameters: { operation: 'switchBranch', branchId: { __rl: true, mode: 'id', value: 'ffffffffffffffffffffffffffffffff' } } },
	]);
	expect(result.error.message).toBe('AMPAREX did not find what was asked for (404)');
});

test('Switch Branch with no branch chosen fails before any request', async () => {
	// n8n checks the required field itself; an expression that ends up empty is the node's check
	// (see the Continue On Fail test).
	await expect(
		n8nWith().run([{ name: 'Switch', parameters: { operation: 'switchBranch', branchId: { __rl: true, mode: 'list', value: '' } } }]),
	).rejects.toThrow('Parameter "Branch" is required.');
	expect((await sim.stats()).totalRequests).toBe(0);
});

test('Change User gives a token of the user of that pincode', async () => {
	const result = await n8nWith().run([
		{ name: 'Change', parameters: { operation: 'changeUser', pincode: anna.pincode } },
		withToken('Who', 'whoAmI'),
	]);
	expect(result.error).toBeUndefined();
	expect(result.output('Change')[0].json).toEqual({ token: expect.any(String), expiryTime: expect.any(String) });
	expect(result.output('Who')[0].json).toMatchObject({ user: anna.username, staffID: anna.staffId, loginBranchID: anna.defaultBranchId });
});

test('Change User with a wrong pincode: clear message without the pincode', async () => {
	const result = await n8nWith().run([{ name: 'Change', parameters: { operation: 'changeUser', pincode: '9999' } }]);
	expect(result.error.message).toBe('AMPAREX rejected the pincode (401)');
	expect(serializeError(result.error)).not.toContain('pincode=9999');
	const stats = await sim.stats();
	record('Change User, wrong pincode', stats, "core's 401 retry: 1 extra login");
	expect(stats.requests).toEqual({ 'POST /login': 2, 'POST /protected/changeUser': 2 });
});

test('one request per item, pairedItem on every output, Continue On Fail keeps going', async () => {
	const items = [{ branch: optik.id }, { branch: 'no-such-branch' }, { branch: bahnhof.id }, { branch: '' }];
	const result = await n8nWith().run(
		[
			{
				name: 'Switch',
				continueOnFail: true,
				parameters: { operation: 'switchBranch', branchId: { __rl: true, mode: 'id', value: '={{ $json.branch }}' } },
			},
		],
		items,
	);
	expect(result.error).toBeUndefined();
	const output = result.output('Switch');
	expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
	expect(output[0].json.branchId).toBe(optik.id);
	expect(output[1].json.error).toBe('AMPAREX did not find what was asked for (404)');
	expect(output[2].json.branchId).toBe(bahnhof.id);
	expect(output[3].json.error).toBe('No branch chosen');
	// 3 items reached AMPAREX (the empty one is refused before), plus one login
	expect((await sim.stats()).requests).toEqual({ 'POST /login': 1, 'POST /protected/axlogin': 3 });
});

test('Logout without a token ends the credential session', async () => {
	const n8n = n8nWith();
	await n8n.run([{ name: 'Who', parameters: { operation: 'whoAmI' } }]);
	expect(sim.state.activeTokens()).toBe(1);
	const result = await n8n.run([{ name: 'Logout', parameters: { operation: 'logout' } }]);
	expect(result.output('Logout')[0].json).toEqual({ loggedOut: true, session: 'credential' });
	expect(sim.state.activeTokens()).toBe(0);
});

describe('branch list of Switch Branch (listSearch)', () => {
	test('lists the branches live from AMPAREX and filters by name', async () => {
		const n8n = n8nWith();
		const all = await n8n.searchBranches(undefined, undefined);
		expect(all.results).toEqual(DEMO_TENANT.branches.map((branch) => ({ name: branch.name, value: branch.id })));
		expect(all.paginationToken).toBeUndefined();
		const filtered = await n8n.searchBranches('optik', undefined);
		expect(filtered.results).toEqual([{ name: optik.name, value: optik.id }]);
		expect((await sim.stats()).requests).toEqual({ 'POST /login': 1, 'POST /protected/branches/search': 2 });
	});

	test('pages through many branches', async () => {
		const branches = Array.from({ length: 120 }, (_, index) => ({ id: `branch${String(index).padStart(3, '0')}`, name: `Filiale ${index}` }));
		const many = await startSimulator(testConfig({ tenants: [{ ...DEMO_TENANT, branches }] }));
		try {
			const n8n = new N8nInstance();
			n8n.addCredential('amparex', demoCredential(many.baseUrl));
			const first = await n8n.searchBranches(undefined, undefined);
			expect(first.results).toHaveLength(50);
			expect(first.paginationToken).toBe('2');
			const last = await n8n.searchBranches(undefined, '3');
			expect(last.results).toHaveLength(20);
			expect(last.paginationToken).toBeUndefined();
		} finally {
			await many.close();
		}
	});

	test('a failure shows the AMPAREX message in the editor', async () => {
		const n8n = n8nWith({ password: 'Wrong-Passw0rd!list' });
		await expect(n8n.searchBranches(undefined, undefined)).rejects.toThrow('AMPAREX rejected the login: wrong username or password');
	});
});

describe('node description', () => {
	const { description } = new AmparexLogin();

	test('operation values stay as stored in workflows', () => {
		const operation = description.properties.find((property) => property.name === 'operation');
		expect(operation?.options?.map((option) => /** @type {any} */ (option).value).sort()).toEqual(
			['changeUser', 'logout', 'switchBranch', 'whoAmI'],
		);
	});

	test('usable as an AI tool, token output marked sensitive, secrets masked', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.sensitiveOutputFields).toEqual(['token']);
		const masked = (/** @type {string} */ name, /** @type {any[]} */ properties = description.properties) =>
			properties.find((property) => property.name === name)?.typeOptions?.password;
		expect(masked('pincode')).toBe(true);
		expect(masked('password')).toBe(true);
		const options = /** @type {any} */ (description.properties.find((property) => property.name === 'options'));
		expect(masked('token', options.options)).toBe(true);
	});
});

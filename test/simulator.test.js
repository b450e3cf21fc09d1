'use strict';
/**
 * The simulator must be faithful to AMPAREX's Swagger document: every answer is checked against
 * the schema and the status codes the spec declares for that operation, and its token, quota and
 * lockout rules against the spec's descriptions.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { startSimulator, testConfig, DEMO_TENANT, SLASH_ALIAS } = require('./helpers/simulator');

/** AMPAREX's official Swagger 2.0 document, as its trial server publishes it at /v2/api-docs. */
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'simulator', 'api-docs.json'), 'utf8'));

/** Checks `value` against a Swagger 2.0 schema; returns the problems found (empty: valid). */
function validate(/** @type {any} */ schema, /** @type {unknown} */ value, /** @type {string} */ at = '$') {
	if (schema.$ref) return validate(spec.definitions[schema.$ref.replace('#/definitions/', '')], value, at);
	/** @type {string[]} */
	const problems = [];
	switch (schema.type) {
		case 'object':
			if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
			for (const [key, item] of Object.entries(value)) {
				const property = schema.properties?.[key];
				if (!property) problems.push(`${at}.${key}: not in the spec`);
				else problems.push(...validate(property, item, `${at}.${key}`));
			}
			return problems;
		case 'array':
			if (!Array.isArray(value)) return [`${at}: not an array`];
			return value.flatMap((item, index) => validate(schema.items, item, `${at}[${index}]`));
		case 'string':
			if (typeof value !== 'string') return [`${at}: not a string`];
			if (schema.format === 'date-time' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)) {
				return [`${at}: not a date-time`];
			}
			if (schema.format === 'date' && !/^\d{4}-\d\d-\d\d$/.test(value)) return [`${at}: not a date`];
			return [];
		case 'integer':
			return Number.isInteger(value) ? [] : [`${at}: not an integer`];
		case 'boolean':
			return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
		default:
			return [];
	}
}

/** The operation of the spec for a method and a path template. */
function operation(/** @type {string} */ method, /** @type {string} */ template) {
	const op = spec.paths[`/alias/{alias}${template}`]?.[method.toLowerCase()];
	if (!op) throw new Error(`${method} ${template} is not in the spec`);
	return op;
}

/** @type {Awaited<ReturnType<typeof startSimulator>>} */
let sim;
beforeEach(async () => {
	sim = await startSimulator();
});
afterEach(async () => {
	await sim.close();
});

const alias = encodeURIComponent(DEMO_TENANT.alias);
const [anna] = /** @type {any[]} */ (DEMO_TENANT.users);

/** Calls the simulator, then checks the answer against the spec's declared statuses and schema. */
async function call(
	/** @type {string} */ method,
	/** @type {string} */ template,
	/** @type {{ path?: string, token?: string, headers?: Record<string, string>, query?: Record<string, string>, body?: unknown, alias?: string }} */ options = {},
) {
	const url = new URL(`${sim.baseUrl}/alias/${options.alias ?? alias}${options.path ?? template}`);
	for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
	const response = await fetch(url, {
		method,
		headers: {
			...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
			...(options.body ? { 'Content-Type': 'application/json' } : {}),
			...options.headers,
		},
		body: options.body ? JSON.stringify(options.body) : undefined,
	});
	const text = await response.text();
	const body = text ? JSON.parse(text) : undefined;
	const declared = operation(method, template).responses;
	expect(Object.keys(declared)).toContain(String(response.status));
	if (response.status === 200 && declared['200'].schema) {
		expect(validate(declared['200'].schema, body)).toEqual([]);
	}
	return { status: response.status, body };
}

async function login(/** @type {Record<string, string>} */ headers = {}, /** @type {string} */ target = alias) {
	return await call('POST', '/login', {
		alias: target,
		headers: { username: DEMO_TENANT.serviceAccount.username, password: DEMO_TENANT.serviceAccount.password, ...headers },
	});
}

describe('answers follow the spec', () => {
	test('login answers a SecurityToken', async () => {
		const { status, body } = await login();
		expect(status).toBe(200);
		expect(body).toEqual({ value: expect.any(String), expiryTime: expect.any(String) });
		// default validity: 3600 s
		expect(Date.parse(body.expiryTime) - Date.now()).toBeGreaterThan(3590_000);
	});

	test('every route answers its schema', async () => {
		const token = (await login()).body.value;
		expect((await call('GET', '/protected/whoami', { token })).status).toBe(200);
		expect((await call('POST', '/protected/branches/search', { token, body: { name: '*' } })).body.result).toHaveLength(3);
		const branch = DEMO_TENANT.branches[1];
		expect((await call('GET', '/protected/branches/{id}', { token, path: `/protected/branches/${branch.id}` })).body).toMatchObject(branch);
		expect((await call('POST', '/protected/customers/search', { token, body: { surname: 'Sch*', metaData: { limit: 10, page: 1 } } })).body.result).toHaveLength(2);
		expect((await call('POST', '/protected/changeUser', { token, query: { pincode: anna.pincode } })).status).toBe(200);
		expect(
			(await call('POST', '/protected/axlogin', { token, query: { username: anna.username, password: anna.password, branchid: branch.id } })).status,
		).toBe(200);
		expect(await call('POST', '/protected/logout', { token })).toEqual({ status: 200, body: undefined });
	});

	test('errors use only status codes the spec declares for the route', async () => {
		const token = (await login()).body.value;
		expect((await call('GET', '/protected/branches/{id}', { token, path: '/protected/branches/unknown' })).status).toBe(404);
		expect((await call('POST', '/protected/axlogin', { token, query: { username: anna.username, password: anna.password, branchid: 'x' } })).status).toBe(404);
		expect((await call('POST', '/protected/changeUser', { token, query: {} })).status).toBe(422);
		expect((await call('POST', '/protected/changeUser', { token, query: { pincode: '0000' } })).status).toBe(401);
	});
});

describe('tokens', () => {
	test('a missing, unknown, logged-out or expired token gets 401', async () => {
		expect((await call('GET', '/protected/whoami')).status).toBe(401);
		expect((await call('GET', '/protected/whoami', { token: 'unknown' })).status).toBe(401);
		const token = (await login()).body.value;
		await call('POST', '/protected/logout', { token });
		expect((await call('GET', '/protected/whoami', { token })).status).toBe(401);
		await sim.reset({ tokenValiditySeconds: 1 });
		const shortLived = (await login()).body.value;
		expect((await call('GET', '/protected/whoami', { token: shortLived })).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		expect((await call('GET', '/protected/whoami', { token: shortLived })).status).toBe(401);
	});

	test('a token of one alias is not valid for another', async () => {
		const token = (await login()).body.value;
		expect((await call('GET', '/protected/whoami', { token, alias: encodeURIComponent(SLASH_ALIAS) })).status).toBe(401);
	});

	test('changeUser and axlogin tokens carry their user and branch', async () => {
		const token = (await login()).body.value;
		const changed = (await call('POST', '/protected/changeUser', { token, query: { pincode: anna.pincode } })).body.value;
		expect((await call('GET', '/protected/whoami', { token: changed })).body).toMatchObject({
			user: anna.username,
			staffID: anna.staffId,
			loginBranchID: anna.defaultBranchId,
		});
		const branch = DEMO_TENANT.branches[2].id;
		const switched = (await call('POST', '/protected/axlogin', { token, query: { username: anna.username, password: anna.password, branchid: branch } })).body.value;
		expect((await call('GET', '/protected/whoami', { token: switched })).body.loginBranchID).toBe(branch);
	});
});

describe('tenant rules', () => {
	test('every call counts against the call limit, then 402; whoami shows the quota', async () => {
		const token = (await login({}, 'tiny-quota-tenant%3D')).body.value;
		const who = await call('GET', '/protected/whoami', { token, alias: 'tiny-quota-tenant%3D' });
		expect(who.body).toMatchObject({ currentCallCount: 2, remainingCallCount: 1 });
		expect((await call('GET', '/protected/whoami', { token, alias: 'tiny-quota-tenant%3D' })).status).toBe(200);
		expect((await call('GET', '/protected/whoami', { token, alias: 'tiny-quota-tenant%3D' })).status).toBe(402);
	});

	test('a tenant without API gets 402, an unknown alias 503 on login', async () => {
		expect((await login({}, 'no-api-tenant%3D')).status).toBe(402);
		expect((await login({}, 'unknown%3D')).status).toBe(503);
	});

	test('a password weaker than the policy gets 401 even when it matches', async () => {
		expect((await login({ username: 'weak', password: 'short' }, 'weak-password-tenant%3D')).status).toBe(401);
	});

	test('an account locks after the configured number of failed logins', async () => {
		for (let i = 0; i < 3; i++) expect((await login({ password: 'Wrong-Passw0rd!' })).status).toBe(401);
		expect((await login()).status).toBe(401);
		expect((await sim.stats()).lockedAccounts).toEqual([`${DEMO_TENANT.alias}/${DEMO_TENANT.serviceAccount.username}`]);
	});

	test('logins with credentials in the URL work as the spec allows, and are counted', async () => {
		const { status } = await call('POST', '/login', {
			query: { username: DEMO_TENANT.serviceAccount.username, password: DEMO_TENANT.serviceAccount.password },
		});
		expect(status).toBe(200);
		expect((await sim.stats()).logins).toEqual({ succeeded: 1, failed: 0, withCredentialsInUrl: 1 });
	});
});

describe('control routes', () => {
	test('stats count requests per route and active tokens; reset clears them', async () => {
		const token = (await login()).body.value;
		await call('GET', '/protected/whoami', { token });
		expect(await sim.stats()).toMatchObject({
			requests: { 'POST /login': 1, 'GET /protected/whoami': 1 },
			totalRequests: 2,
			activeTokens: 1,
		});
		await sim.reset();
		expect(await sim.stats()).toMatchObject({ requests: {}, totalRequests: 0, activeTokens: 0 });
		expect((await call('GET', '/protected/whoami', { token })).status).toBe(401);
	});

	test('faults: a status for the next N requests of a route, a delay, a body that is not JSON, a dropped connection', async () => {
		const token = (await login()).body.value;
		const whoami = `${sim.baseUrl}/alias/${alias}/protected/whoami`;
		const get = () => fetch(whoami, { headers: { Authorization: `Bearer ${token}` } });
		await sim.fault({ route: 'GET /protected/whoami', status: 503, count: 2 });
		expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([503, 503, 200]);

		await sim.fault({ route: 'GET /protected/whoami', delayMs: 300 });
		const started = Date.now();
		expect((await get()).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);

		await sim.fault({ route: 'GET /protected/whoami', notJson: true });
		const page = await get();
		expect(page.headers.get('content-type')).toBe('text/html');
		expect(await page.text()).toMatch(/^<!DOCTYPE html>/);

		await sim.fault({ route: '*', drop: true });
		await expect(get()).rejects.toThrow();
		expect((await get()).status).toBe(200);
	});
});

test('npm run simulator prints one JSON line with its base URL, and serves a config file', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amparex-sim-'));
	const configFile = path.join(dir, 'config.json');
	fs.writeFileSync(configFile, JSON.stringify(testConfig({ tokenValiditySeconds: 5 })));
	const child = spawn(process.execPath, [path.join(__dirname, '..', 'simulator', 'cli.js'), '--port', '0', '--config', configFile], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	try {
		const line = await new Promise((resolve, reject) => {
			child.stdout.once('data', (chunk) => resolve(String(chunk)));
			child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
		});
		const ready = JSON.parse(/** @type {string} */ (line));
		expect(ready.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/amparex\/webaxapi$/);
		expect(ready.aliases).toContain(SLASH_ALIAS);
		const response = await fetch(`${ready.baseUrl}/alias/${alias}/login`, {
			method: 'POST',
			headers: { username: DEMO_TENANT.serviceAccount.username, password: DEMO_TENANT.serviceAccount.password },
		});
		const token = await response.json();
		expect(Date.parse(token.expiryTime) - Date.now()).toBeLessThanOrEqual(5000);
	} finally {
		child.kill('SIGTERM');
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

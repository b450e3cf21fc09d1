'use strict';
/** Starts the AMPAREX simulator on loopback for a test file and talks to its control routes. */
const https = require('node:https');
const { createSimulator } = require('../../simulator/server');

/** fetch() for http; for the self-signed https simulator a plain request that trusts it. */
function request(/** @type {string} */ url, /** @type {{ method: string, headers: Record<string,string>, body?: string }} */ init) {
	if (url.startsWith('http:')) return fetch(url, init);
	return new Promise((resolve, reject) => {
		const req = https.request(url, { ...init, rejectUnauthorized: false }, (res) => {
			let text = '';
			res.on('data', (chunk) => (text += chunk));
			res.on('end', () => resolve({ json: async () => JSON.parse(text) }));
		});
		req.on('error', reject);
		req.end(init.body);
	});
}
const demo = require('../../simulator/demo-config.json');

const DEMO_TENANT = demo.tenants[0];
/** An alias with the characters that must be percent-encoded in a path. */
const SLASH_ALIAS = 'pa-b/xq7=_tenant==';

/** Demo tenant plus test tenants: one with `/` and `=` in its alias, one without API, a weak password. */
function testConfig(/** @type {Record<string, unknown>} */ overrides = {}) {
	return {
		tokenValiditySeconds: 3600,
		tenants: [
			{ ...DEMO_TENANT, lockAfterFailedLogins: 3 },
			{ ...DEMO_TENANT, alias: SLASH_ALIAS },
			{ ...DEMO_TENANT, alias: 'no-api-tenant=', apiActivated: false },
			{ ...DEMO_TENANT, alias: 'weak-password-tenant=', serviceAccount: { username: 'weak', password: 'short' } },
			{ ...DEMO_TENANT, alias: 'tiny-quota-tenant=', callLimit: 3 },
		],
		...overrides,
	};
}

async function startSimulator(/** @type {any} */ config = testConfig(), /** @type {any} */ options = {}) {
	const simulator = createSimulator(config, options);
	const baseUrl = await simulator.listen(0, '127.0.0.1');
	const origin = new URL(baseUrl).origin;
	const control = async (/** @type {string} */ method, /** @type {string} */ path, /** @type {unknown} */ body = undefined) => {
		const response = await request(`${origin}/__simulator/${path}`, {
			method,
			headers: { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return await response.json();
	};
	return {
		baseUrl,
		origin,
		state: simulator.state,
		close: () => simulator.close(),
		stats: () => control('GET', 'stats'),
		reset: (/** @type {unknown} */ body) => control('POST', 'reset', body),
		fault: (/** @type {unknown} */ fault) => control('POST', 'faults', fault),
		clearFaults: () => control('DELETE', 'faults'),
		expireTokens: () => control('POST', 'tokens/expire'),
	};
}

/** Credential data for the demo tenant. */
function demoCredential(/** @type {string} */ baseUrl, /** @type {Record<string, unknown>} */ overrides = {}) {
	return {
		baseUrl,
		alias: DEMO_TENANT.alias,
		username: DEMO_TENANT.serviceAccount.username,
		password: DEMO_TENANT.serviceAccount.password,
		branchId: '',
		ignoreSslIssues: false,
		...overrides,
	};
}

/** The demo tenant with a call limit that long runs (benchmark, soak, queue mode) cannot use up. */
const UNLIMITED_TENANT = { ...DEMO_TENANT, callLimit: 100_000_000 };

module.exports = { startSimulator, testConfig, demoCredential, DEMO_TENANT, UNLIMITED_TENANT, SLASH_ALIAS };

// @ts-check
'use strict';
/** Workflows and credentials the end-to-end tests import into a real n8n. */

const NODE = 'n8n-nodes-amparex.amparexLogin';

/** @param {string} id @param {string} name @param {string} type @param {object} parameters @param {string} [credentialId] @param {[number, number]} [position] */
function node(id, name, type, parameters, credentialId, position = [0, 0]) {
	return {
		id,
		name,
		type,
		typeVersion: type === 'n8n-nodes-base.httpRequest' ? 4.2 : 1,
		position,
		parameters,
		...(credentialId ? { credentials: { amparexApi: { id: credentialId, name: credentialId } } } : {}),
	};
}

/** A workflow: Manual Trigger, then the given nodes in a chain. */
function chain(/** @type {string} */ id, /** @type {any[]} */ nodes) {
	const trigger = node(`${id}-trigger`, 'Start', 'n8n-nodes-base.manualTrigger', {});
	const all = [trigger, ...nodes.map((n, index) => ({ ...n, position: [(index + 1) * 220, 0] }))];
	/** @type {Record<string, any>} */
	const connections = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name: `AMPAREX e2e ${id}`, active: false, nodes: all, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

/** @param {string} baseUrl @param {any} tenant */
function credentials(baseUrl, tenant) {
	const data = {
		baseUrl,
		alias: tenant.alias,
		username: tenant.serviceAccount.username,
		password: tenant.serviceAccount.password,
		branchId: '',
		ignoreSslIssues: false,
	};
	return [
		{ id: 'amparexDemo', name: 'AMPAREX demo', type: 'amparexApi', data },
		{ id: 'amparexBranch', name: 'amparexBranch', type: 'amparexApi', data: { ...data, branchId: tenant.branches[2].id } },
		{ id: 'amparexWrong', name: 'amparexWrong', type: 'amparexApi', data: { ...data, password: 'Wrong-Passw0rd!e2e' } },
	];
}

/** @param {string} baseUrl @param {any} tenant */
function workflows(baseUrl, tenant) {
	const aliasUrl = `${baseUrl}/alias/${encodeURIComponent(tenant.alias)}`;
	const whoAmI = (/** @type {string} */ id, /** @type {string} */ credentialId, /** @type {object} */ extra = {}) =>
		node(id, 'Who Am I', NODE, { operation: 'whoAmI', ...extra }, credentialId);
	const httpPost = (/** @type {string} */ id, /** @type {string} */ name, /** @type {string} */ route, /** @type {object} */ body) =>
		node(
			id,
			name,
			'n8n-nodes-base.httpRequest',
			{
				method: 'POST',
				url: `${aliasUrl}${route}`,
				authentication: 'predefinedCredentialType',
				nodeCredentialType: 'amparexApi',
				sendBody: true,
				specifyBody: 'json',
				jsonBody: JSON.stringify(body),
				options: {},
			},
			'amparexDemo',
		);
	return [
		chain('whoami', [whoAmI('whoami-1', 'amparexDemo')]),
		chain('httprequest', [
			httpPost('http-1', 'Branches', '/protected/branches/search', { name: '*' }),
			httpPost('http-2', 'Customers', '/protected/customers/search', { surname: 'M*' }),
		]),
		chain('switchchain', [
			node('switch-1', 'Switch Branch', NODE, { operation: 'switchBranch', branchId: { __rl: true, mode: 'list', value: tenant.branches[1].id } }, 'amparexDemo'),
			whoAmI('switch-2', 'amparexDemo', { options: { token: '={{ $json.token }}' } }),
			node('switch-3', 'Logout', NODE, { operation: 'logout', options: { token: "={{ $('Switch Branch').item.json.token }}" } }, 'amparexDemo'),
		]),
		chain('branchcredential', [whoAmI('branch-1', 'amparexBranch')]),
		chain('wrongpassword', [whoAmI('wrong-1', 'amparexWrong')]),
	];
}

/**
 * A workflow started by `POST /webhook/<id>` with `{ items: [...] }`: Split Out makes one item of
 * each entry, then the given nodes run in a chain; the webhook answers with the last node's
 * first item.
 * @param {string} id @param {any[]} nodes @param {{ splitFirst?: boolean }} [options]
 */
function webhookChain(id, nodes, { splitFirst = true } = {}) {
	const webhook = {
		...node(`${id}-webhook`, 'Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path: id, responseMode: 'lastNode', options: {} }),
		typeVersion: 2,
		webhookId: `${id}-webhook`,
	};
	const split = node(`${id}-split`, 'Split Out', 'n8n-nodes-base.splitOut', { fieldToSplitOut: 'body.items', options: {} });
	const all = [webhook, ...(splitFirst ? [split] : []), ...nodes].map((n, index) => ({ ...n, position: [index * 220, 0] }));
	/** @type {Record<string, any>} */
	const connections = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name: `AMPAREX webhook ${id}`, active: false, nodes: all, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

/**
 * What the benchmark compares, each started by a webhook with M items:
 * - `bench-node`: the AMPAREX Login node's Who Am I on the credential's cached session;
 * - `bench-http-login`: what users build without this package: an HTTP Request login in every
 *   execution, then HTTP Request calls with the returned token;
 * - `bench-http-credential`: the HTTP Request node calling the same route with this credential.
 * @param {string} baseUrl @param {any} tenant
 */
function benchWorkflows(baseUrl, tenant) {
	const whoAmIUrl = `${baseUrl}/alias/${encodeURIComponent(tenant.alias)}/protected/whoami`;
	const headers = (/** @type {Record<string, string>} */ values) => ({
		sendHeaders: true,
		headerParameters: { parameters: Object.entries(values).map(([name, value]) => ({ name, value })) },
	});
	/** @param {string} id @param {string} name @param {object} parameters @param {string} [credentialId] */
	const http = (id, name, parameters, credentialId) => node(id, name, 'n8n-nodes-base.httpRequest', { options: {}, ...parameters }, credentialId);
	return [
		webhookChain('bench-node', [node('bn-1', 'Who Am I', NODE, { operation: 'whoAmI' }, 'amparexDemo')]),
		webhookChain(
			'bench-http-login',
			[
				http('bh-1', 'Login', {
					method: 'POST',
					url: `${baseUrl}/alias/${encodeURIComponent(tenant.alias)}/login`,
					...headers({ username: tenant.serviceAccount.username, password: tenant.serviceAccount.password }),
				}),
				{
					...node('bh-2', 'Items', 'n8n-nodes-base.set', {
						assignments: { assignments: [{ id: 'items', name: 'items', value: "={{ $('Webhook').first().json.body.items }}", type: 'array' }] },
						options: {},
					}),
					typeVersion: 3.4,
				},
				node('bh-3', 'Split Out', 'n8n-nodes-base.splitOut', { fieldToSplitOut: 'items', options: {} }),
				http('bh-4', 'Who Am I', { method: 'GET', url: whoAmIUrl, ...headers({ Authorization: "=Bearer {{ $('Login').first().json.value }}" }) }),
			],
			{ splitFirst: false },
		),
		webhookChain('bench-http-credential', [
			http('bc-1', 'Who Am I', { method: 'GET', url: whoAmIUrl, authentication: 'predefinedCredentialType', nodeCredentialType: 'amparexApi' }, 'amparexDemo'),
		]),
	];
}

/** The example workflows shipped in examples/, pointed at the given simulator. */
function examples(/** @type {string} */ baseUrl) {
	const fs = require('node:fs');
	const path = require('node:path');
	const dir = path.join(__dirname, '..', 'examples');
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8').split(EXAMPLE_BASE_URL).join(baseUrl)));
}

/** The Base URL the examples use: the demo simulator's (npm run demo). */
const EXAMPLE_BASE_URL = 'http://127.0.0.1:8078/amparex/webaxapi';

module.exports = { workflows, credentials, examples, webhookChain, benchWorkflows, EXAMPLE_BASE_URL };

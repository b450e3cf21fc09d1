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

module.exports = { workflows, credentials, examples, EXAMPLE_BASE_URL };

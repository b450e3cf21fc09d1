'use strict';
/**
 * Runs workflows with this package's node and credential through n8n-core's real execution
 * engine (`WorkflowExecute`, `ExecuteContext`, `httpRequestWithAuthentication` with its 401
 * retry, the real outbound HTTP stack). What n8n's CLI adds around core is ported here from
 * packages/cli/src/credentials-helper.ts: calling `preAuthentication` only when the expirable
 * field is empty, after a 401 or for a credential test, persisting its output into the stored
 * credential, and resolving the generic `authenticate` expressions.
 */
const util = require('node:util');
// n8n's credential tester reads the test's body rules with lodash's `get`
const get = require('lodash/get');

/** What n8n writes while the tests run (its logger, the console, the process output), searched for secrets. */
const logLines = /** @type {string[]} */ ([]);
// Before n8n-core loads: its logger (winston) binds console.log when it is created, and writes
// to console._stdout where the console has one (jest's console in worker mode does).
for (const method of /** @type {const} */ (['log', 'info', 'warn', 'error', 'debug'])) {
	const original = console[method].bind(console);
	console[method] = (/** @type {any[]} */ ...args) => {
		logLines.push(util.format(...args));
		original(...args);
	};
}
const consoleStreams = /** @type {any} */ (console);
for (const stream of new Set([process.stdout, process.stderr, consoleStreams._stdout, consoleStreams._stderr])) {
	if (!stream || typeof stream.write !== 'function') continue;
	const write = stream.write.bind(stream);
	stream.write = /** @type {any} */ ((/** @type {any} */ chunk, /** @type {any[]} */ ...rest) => {
		logLines.push(String(chunk));
		return write(chunk, ...rest);
	});
}

const { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } = require('n8n-core');
const { ICredentialsHelper, LoggerProxy, Workflow } = require('n8n-workflow');

const { AmparexApi } = require('../../credentials/AmparexApi.credentials');
const { startSimulator, demoCredential } = require('./simulator');
const { AmparexLogin } = require('../../nodes/AmparexLogin/AmparexLogin.node');

const NODE_TYPE = 'n8n-nodes-amparex.amparexLogin';

const capture = (/** @type {string} */ level) => (/** @type {string} */ message, /** @type {unknown} */ meta) => {
	logLines.push(`${level} ${message} ${meta === undefined ? '' : util.inspect(meta, { depth: 8 })}`);
};
LoggerProxy.init(
	/** @type {any} */ ({
		error: capture('error'),
		warn: capture('warn'),
		info: capture('info'),
		debug: capture('debug'),
		scoped: () => LoggerProxy,
	}),
);

/**
 * A node that uses the AMPAREX API credential the way the HTTP Request node does with
 * "Predefined Credential Type": one `httpRequestWithAuthentication` per item, on a full URL.
 * @type {import('n8n-workflow').INodeType}
 */
const credentialCaller = {
	description: {
		displayName: 'Credential caller',
		name: 'credentialCaller',
		group: ['transform'],
		version: 1,
		description: 'Calls a URL with the AMPAREX API credential',
		defaults: { name: 'Caller' },
		inputs: /** @type {any} */ (['main']),
		outputs: /** @type {any} */ (['main']),
		credentials: [{ name: 'amparexApi', required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
			{ displayName: 'Body', name: 'body', type: 'json', default: '' },
		],
	},
	async execute() {
		const items = this.getInputData();
		const out = [];
		for (let i = 0; i < items.length; i++) {
			const body = this.getNodeParameter('body', i, '');
			const json = await this.helpers.httpRequestWithAuthentication.call(this, 'amparexApi', {
				method: /** @type {any} */ (this.getNodeParameter('method', i)),
				url: /** @type {string} */ (this.getNodeParameter('url', i)),
				body: body ? (typeof body === 'string' ? JSON.parse(body) : body) : undefined,
				json: true,
			});
			out.push({ json, pairedItem: { item: i } });
		}
		return [out];
	},
};

/** @type {import('n8n-workflow').INodeTypes} */
const nodeTypes = {
	getByName: (type) => /** @type {any} */ (type === NODE_TYPE ? new AmparexLogin() : credentialCaller),
	getByNameAndVersion: (type) => (type === NODE_TYPE ? new AmparexLogin() : credentialCaller),
	getKnownTypes: () => ({}),
};

/** The stored credentials of one n8n instance: serialized rows, as in its database. */
class CredentialStore {
	constructor() {
		/** @type {Map<string, string>} */
		this.rows = new Map();
		this.writes = 0;
	}

	save(/** @type {string} */ id, /** @type {Record<string, unknown>} */ data) {
		this.rows.set(id, JSON.stringify(data));
	}

	/** @returns {Record<string, any>} */
	read(/** @type {string} */ id) {
		const row = this.rows.get(id);
		if (row === undefined) throw new Error(`No credential with id ${id}`);
		return JSON.parse(row);
	}

	update(/** @type {string} */ id, /** @type {Record<string, unknown>} */ data) {
		this.writes++;
		this.save(id, data);
	}
}

class CredentialsHelper extends ICredentialsHelper {
	constructor(/** @type {CredentialStore} */ store) {
		super();
		this.store = store;
		this.type = new AmparexApi();
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	getCredentialsProperties() {
		return this.type.properties;
	}

	/** n8n CLI: a generic `authenticate` resolves its expressions against `$credentials`. */
	async authenticate(
		/** @type {any} */ credentials,
		/** @type {string} */ _typeName,
		/** @type {any} */ requestOptions,
		/** @type {any} */ workflow,
		/** @type {any} */ node,
	) {
		const { authenticate } = this.type;
		requestOptions.headers ??= {};
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(/** @type {object} */ (outerValue))) {
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				);
				requestOptions[outerKey] ??= {};
				requestOptions[outerKey][key] = resolved ? String(resolved) : '';
			}
		}
		return requestOptions;
	}

	/** n8n CLI: runs the credential's login when the token is empty, expired (401) or tested. */
	async preAuthentication(
		/** @type {any} */ helpers,
		/** @type {any} */ credentials,
		/** @type {string} */ _typeName,
		/** @type {any} */ node,
		/** @type {boolean} */ credentialsExpired,
	) {
		const expirable = this.type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable) return undefined;
		const isTestingCredentials = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isTestingCredentials) return undefined;
		const output = await this.type.preAuthentication.call(
			{ helpers: { httpRequest: helpers.helpers.httpRequest } },
			credentials,
		);
		if (output[expirable.name] === undefined) return undefined;
		if (node.credentials) {
			const { id } = node.credentials.amparexApi;
			this.store.update(id, { ...this.store.read(id), ...output });
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(/** @type {any} */ nodeCredentials) {
		const data = this.store.read(nodeCredentials.id);
		return /** @type {any} */ ({ getData: async () => data });
	}

	async getDecrypted(/** @type {any} */ _additionalData, /** @type {any} */ nodeCredentials) {
		return this.store.read(nodeCredentials.id);
	}

	async updateCredentials(/** @type {any} */ nodeCredentials, /** @type {string} */ _type, /** @type {any} */ data) {
		this.store.update(nodeCredentials.id, data);
	}

	async updateCredentialsOauthTokenData() {}
}

/**
 * @typedef {{ name: string, parameters?: Record<string, unknown>, type?: string, continueOnFail?: boolean, credentialId?: string }} NodeSpec
 */

/** One n8n instance: a credential store and its execution engine. */
class N8nInstance {
	constructor() {
		this.store = new CredentialStore();
		this.credentialsHelper = new CredentialsHelper(this.store);
		this.executions = 0;
	}

	/** Stores an AMPAREX API credential; the hidden token starts empty, as in a new credential. */
	addCredential(/** @type {string} */ id, /** @type {Record<string, unknown>} */ data) {
		this.store.save(id, { sessionToken: '', ...data });
	}

	/** @param {NodeSpec[]} chain */
	workflow(chain) {
		const nodes = chain.map((spec, index) => ({
			id: `node-${index}`,
			name: spec.name,
			type: spec.type ?? NODE_TYPE,
			typeVersion: 1,
			position: /** @type {[number, number]} */ ([index * 200, 0]),
			parameters: /** @type {any} */ (spec.parameters ?? {}),
			credentials: { amparexApi: { id: spec.credentialId ?? 'amparex', name: 'AMPAREX' } },
			...(spec.continueOnFail ? { onError: /** @type {const} */ ('continueRegularOutput') } : {}),
		}));
		/** @type {Record<string, any>} */
		const connections = {};
		for (let i = 0; i < nodes.length - 1; i++) {
			connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
		}
		return { nodes, connections, workflow: new Workflow({ id: 'wf', name: 'test', nodes, connections, nodeTypes, active: false }) };
	}

	/** @param {any} hooks */
	additionalData(hooks, /** @type {string} */ executionId) {
		return /** @type {any} */ ({
			hooks,
			credentialsHelper: this.credentialsHelper,
			executionId,
			currentNodeParameters: undefined,
			variables: {},
			restApiUrl: 'http://127.0.0.1/rest',
			instanceBaseUrl: 'http://127.0.0.1/',
			webhookBaseUrl: 'http://127.0.0.1/webhook/',
			webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting/',
			webhookTestBaseUrl: 'http://127.0.0.1/webhook-test/',
			formWaitingBaseUrl: 'http://127.0.0.1/form-waiting/',
		});
	}

	/**
	 * Runs nodes in a chain (each feeds the next) on the given input items.
	 * @param {NodeSpec[]} chain
	 * @param {Array<Record<string, unknown>>} [inputs]
	 */
	async run(chain, inputs = [{}]) {
		const { nodes, connections, workflow } = this.workflow(chain);
		const executionId = String(++this.executions);
		const hooks = new ExecutionLifecycleHooks('manual', executionId, /** @type {any} */ ({ id: 'wf', nodes, connections }));
		/** @type {Promise<import('n8n-workflow').IRun>} */
		const finished = new Promise((resolve) => {
			hooks.addHandler('workflowExecuteAfter', (/** @type {any} */ run) => resolve(run));
		});
		const runExecutionData = {
			startData: {},
			resultData: { runData: {} },
			executionData: {
				contextData: {},
				metadata: {},
				waitingExecution: {},
				waitingExecutionSource: null,
				nodeExecutionStack: [
					{ node: nodes[0], data: { main: [inputs.map((json) => ({ json }))] }, source: null },
				],
			},
		};
		const additionalData = this.additionalData(hooks, executionId);
		const execute = new WorkflowExecute(additionalData, 'manual', /** @type {any} */ (runExecutionData));
		await execute.processRunExecutionData(workflow);
		return new ExecutionResult(await finished);
	}

	/**
	 * The editor's "Test" button, as n8n's CLI runs it: a temporary noOp node with `temp: ''`
	 * makes preAuthentication log in afresh, then the credential's `test` request is sent with
	 * its expressions resolved by n8n and `authenticate` applied, and its result is worded as
	 * n8n's `CredentialsTester.runRequestTest` words it: by the test's `rules` where one matches.
	 */
	async testCredential(/** @type {string} */ id = 'amparex') {
		const testNode = /** @type {any} */ ({
			id: 'temp',
			name: 'Temp-Node',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [0, 0],
			parameters: { temp: '' },
			credentials: { amparexApi: { id, name: 'AMPAREX' } },
		});
		const { workflow } = this.workflow([{ name: 'AMPAREX', parameters: { operation: 'whoAmI' } }]);
		const context = new LoadOptionsContext(workflow, workflow.getNode('AMPAREX'), this.additionalData(undefined, 'test'), 'credentials');
		const credentials = this.store.read(id);
		const { request, rules = [] } = this.credentialsHelper.type.test;
		/** @type {Record<string, unknown>} */
		const resolved = {};
		let body;
		try {
			await this.credentialsHelper.preAuthentication({ helpers: context.helpers }, credentials, 'amparexApi', testNode, false);
			for (const [key, value] of Object.entries(request)) {
				resolved[key] = workflow.expression.getSimpleParameterValue(testNode, value, 'internal', { $credentials: credentials }, undefined, '');
			}
			const options = await this.credentialsHelper.authenticate(credentials, 'amparexApi', resolved, workflow, testNode);
			body = await context.helpers.httpRequest(options);
		} catch (error) {
			const { response, code, message } = /** @type {any} */ (error);
			if (response) {
				const rule = rules.find((/** @type {any} */ r) => r.type === 'responseCode' && r.properties.value === response.status);
				return { status: 'Error', message: rule?.properties.message ?? (response.statusText || `Received HTTP status code: ${response.status}`), error };
			}
			return { status: 'Error', message: code ?? message, error };
		}
		const rule = rules.find((/** @type {any} */ r) => r.type === 'responseSuccessBody' && get(body, r.properties.key) === r.properties.value);
		if (rule) return { status: 'Error', message: rule.properties.message };
		return { status: 'OK', message: 'Connection successful!', request: resolved };
	}

	/** The editor's branch list of Switch Branch, through n8n-core's LoadOptionsContext. */
	async searchBranches(/** @type {string | undefined} */ filter, /** @type {string | undefined} */ paginationToken) {
		const { nodes, workflow } = this.workflow([{ name: 'AMPAREX', parameters: { operation: 'switchBranch' } }]);
		const context = new LoadOptionsContext(workflow, nodes[0], this.additionalData(undefined, 'editor'), 'parameters.branchId');
		return await new AmparexLogin().methods.listSearch.searchBranches.call(/** @type {any} */ (context), filter, paginationToken);
	}
}

class ExecutionResult {
	constructor(/** @type {import('n8n-workflow').IRun} */ run) {
		this.run = run;
	}

	/** @returns {Array<{ json: any, pairedItem?: any }>} */
	output(/** @type {string} */ nodeName) {
		const task = this.run.data.resultData.runData[nodeName]?.[0];
		return /** @type {any} */ (task?.data?.main?.[0] ?? []);
	}

	/** The error the execution stopped with, if any. */
	get error() {
		return /** @type {any} */ (this.run.data.resultData.error);
	}

	/** What n8n would save for this execution (it serializes with JSON semantics, calling toJSON). */
	saved() {
		return JSON.stringify(this.run);
	}
}

/**
 * Everything an error carries: message, description, context, the cause chain and any hidden or
 * nested property (a raw axios error would show its request headers here), in memory and as
 * n8n stores it (toJSON). Left out: `node`, the node as the workflow stores it (n8n attaches it
 * to every node error; a masked node field such as another user's password is part of it).
 */
function serializeError(/** @type {unknown} */ error) {
	const seen = new Set();
	const strings = /** @type {string[]} */ ([]);
	const walk = (/** @type {unknown} */ value, /** @type {number} */ depth) => {
		if (typeof value === 'string') strings.push(value);
		if (typeof value !== 'object' || value === null || seen.has(value) || depth > 12) return;
		seen.add(value);
		for (const key of Reflect.ownKeys(value)) {
			if (key === 'node') continue;
			const descriptor = Object.getOwnPropertyDescriptor(value, key);
			walk(descriptor && 'value' in descriptor ? descriptor.value : undefined, depth + 1);
		}
	};
	walk(error, 0);
	return [...strings, JSON.stringify(error, (key, value) => (key === 'node' ? undefined : value))].join('\n');
}

/**
 * A simulator for each test of a file (a new port is a new server for the credential, so no test
 * sees a session another test logged in). `onStart` receives it; the returned function gives a
 * fresh n8n with an AMPAREX API credential for it (demo tenant, with `overrides`).
 * @param {(simulator: Awaited<ReturnType<typeof startSimulator>>) => void} onStart
 */
function simulatorPerTest(onStart) {
	/** @type {Awaited<ReturnType<typeof startSimulator>>} */
	let current;
	beforeEach(async () => {
		current = await startSimulator();
		onStart(current);
	});
	afterEach(async () => {
		await current.close();
	});
	return (/** @type {Record<string, unknown>} */ overrides = {}) => {
		const n8n = new N8nInstance();
		n8n.addCredential('amparex', demoCredential(current.baseUrl, overrides));
		return n8n;
	};
}

const pause = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** n8n's logger (winston) writes asynchronously: wait until the log has been quiet for 150 ms. */
async function logSettled() {
	let count = -1;
	for (let waited = 0; waited < 3000 && count !== logLines.length; waited += 150) {
		count = logLines.length;
		await pause(150);
	}
}

/** Waits (up to 5 s) until n8n has logged a line containing `text`. */
async function waitForLog(/** @type {string} */ text) {
	for (let waited = 0; waited < 5000; waited += 50) {
		if (logLines.some((line) => line.includes(text))) return true;
		await pause(50);
	}
	return false;
}

module.exports = { N8nInstance, serializeError, logLines, logSettled, waitForLog, simulatorPerTest };

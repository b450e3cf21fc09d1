// @ts-check
'use strict';
/**
 * A started n8n with this package, credentials imported and webhook-triggered workflows active,
 * for the runs that need many executions: the benchmark, the fault matrix, concurrency, queue mode.
 */
const path = require('node:path');

const { N8nCli, ownerSession } = require('./n8n');

/**
 * @param {{
 *   install: ReturnType<typeof import('./install').ensureN8n>,
 *   tarball: string,
 *   port: number,
 *   credentials: object[],
 *   workflows: any[],
 *   env?: Record<string, string>,
 * }} options
 */
async function launch({ install, tarball, port, credentials, workflows, env = {} }) {
	const n8n = new N8nCli(install, tarball, env);
	await n8n.importCredentials(credentials);
	await n8n.importWorkflows(workflows);
	for (const workflow of workflows) await n8n.activate(workflow.id);
	const server = await n8n.start(port);
	// n8n activates workflows after its REST API is up (2.x: through a queue of its own). A GET to
	// a POST webhook answers "not registered for GET requests" once it is registered.
	for (const workflow of workflows) {
		const probe = async () => (await fetch(`${server.url}/webhook/${workflow.id}`).then((response) => response.text(), () => '')).includes('not registered for GET');
		const deadline = Date.now() + 60_000;
		while (!(await probe())) {
			if (Date.now() > deadline) throw new Error(`The webhook of ${workflow.id} was not registered within 60 s: ${n8n.log.slice(-2000)}`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
	const owner = await ownerSession(server.url);
	// n8n stores execution data with `flatted`; read it with n8n's own copy
	const flatted = require(require.resolve('flatted', { paths: [path.join(install.dir, 'node_modules', 'n8n')] }));
	return {
		n8n,
		server,
		owner,
		/** POSTs `{ items }` to the workflow's production webhook; resolves with the answer. */
		async webhook(/** @type {string} */ id, /** @type {unknown[]} */ items = [1], /** @type {string} */ url = server.url) {
			const response = await fetch(`${url}/webhook/${id}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ items }),
			});
			const text = await response.text();
			let body;
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
			}
			return { status: response.status, body };
		},
		/** The saved executions of a workflow, newest first, with their run data parsed. */
		async executions(/** @type {string} */ workflowId, limit = 1, /** @type {object} */ filter = {}) {
			const list = await owner.get(`executions?filter=${encodeURIComponent(JSON.stringify({ workflowId, ...filter }))}&limit=${limit}`);
			const results = list.body.data.results ?? list.body.data;
			return Promise.all(
				results.map(async (/** @type {{ id: string }} */ summary) => {
					const { body } = await owner.get(`executions/${summary.id}`);
					const execution = body.data;
					return { ...execution, raw: execution.data, data: flatted.parse(execution.data) };
				}),
			);
		},
		/** Stores the credentials afresh: an empty session token, as after saving the form. */
		async resetCredentials() {
			await n8n.importCredentials(credentials);
		},
		async stop() {
			await server.stop();
			n8n.remove();
		},
	};
}

module.exports = { launch };

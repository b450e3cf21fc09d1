#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * npm run demo: the AMPAREX simulator and a real n8n (2.x, from the e2e cache; installed on the
 * first run) with this package installed, the demo credential and the example workflows
 * imported, and an owner account ready. Ctrl-C stops both and removes the demo's n8n folder.
 *
 * Ports: DEMO_N8N_PORT (default 5678); the simulator listens on 8078, the port the example
 * workflows use.
 */
const { ensureN8n } = require('../e2e/install');
const { N8nCli, packTarball, ownerSession } = require('../e2e/n8n');
const { credentials, examples, EXAMPLE_BASE_URL } = require('../e2e/workflows');
const { createSimulator } = require('../simulator/server');
const demoConfig = require('../simulator/demo-config.json');

const OWNER = { email: 'demo@example.com', password: 'Demo-Owner-Passw0rd!', firstName: 'Demo', lastName: 'Owner' };

function say(/** @type {string} */ line) {
	process.stdout.write(`${line}\n`);
}

async function main() {
	const n8nPort = Number(process.env.DEMO_N8N_PORT ?? 5678);
	const simulatorPort = Number(new URL(EXAMPLE_BASE_URL).port);

	const install = ensureN8n('2.x');
	say('Building and packing n8n-nodes-amparex …');
	const tarball = packTarball();

	const simulator = createSimulator(demoConfig);
	const baseUrl = await simulator.listen(simulatorPort, '127.0.0.1').catch((error) => {
		throw new Error(`The simulator cannot listen on 127.0.0.1:${simulatorPort} (${error.code ?? error.message}); is another demo running?`);
	});

	const n8n = new N8nCli(install, tarball);
	/** @type {{ stop: () => Promise<void>, url: string } | undefined} */
	let server;
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		say('\nStopping n8n and the simulator …');
		await server?.stop();
		await simulator.close();
		n8n.remove();
		say('Stopped. Nothing is left running.');
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);

	const [demoCredential] = credentials(baseUrl, demoConfig.tenants[0]);
	await n8n.importCredentials([demoCredential]);
	await n8n.importWorkflows(examples(baseUrl));
	say(`Starting n8n ${install.version} …`);
	server = await n8n.start(n8nPort);
	await ownerSession(server.url, OWNER);

	say('');
	say(`n8n editor:        http://127.0.0.1:${n8nPort}`);
	say(`login:             ${OWNER.email} / ${OWNER.password}`);
	say(`AMPAREX simulator: ${baseUrl} (stats: ${new URL(baseUrl).origin}/__simulator/stats)`);
	say('credential:        "AMPAREX demo" (AMPAREX API), workflows: the three examples of examples/');
	say('Press Ctrl-C to stop.');
	say('DEMO READY');
}

main().catch((error) => {
	process.stderr.write(`demo: ${error.message}\n`);
	process.exit(1);
});

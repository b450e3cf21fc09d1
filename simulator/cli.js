#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * npm run simulator -- --port <port> [--host 127.0.0.1] [--config <file.json>]
 * Prints one JSON line with the base URL when ready; Ctrl-C stops it.
 */
const fs = require('node:fs');
const path = require('node:path');
const { createSimulator } = require('./server');

function parseArgs(/** @type {string[]} */ argv) {
	/** @type {Record<string, string>} */
	const args = {};
	for (let i = 0; i < argv.length; i++) {
		const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
		if (!match) throw new Error(`Unknown argument "${argv[i]}". Use --port <port> [--host <host>] [--config <file.json>]`);
		args[match[1]] = match[2] ?? argv[++i] ?? '';
	}
	return args;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const configFile = args.config ? path.resolve(args.config) : path.join(__dirname, 'demo-config.json');
	const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
	const port = Number(args.port ?? 0);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${args.port}"`);
	const simulator = createSimulator(config);
	const baseUrl = await simulator.listen(port, args.host ?? '127.0.0.1');
	process.stdout.write(
		JSON.stringify({ baseUrl, aliases: config.tenants.map((/** @type {{alias: string}} */ t) => t.alias), config: configFile }) + '\n',
	);
	const stop = () => simulator.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	process.stderr.write(`AMPAREX simulator: ${error.message}\n`);
	process.exit(1);
});

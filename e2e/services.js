// @ts-check
'use strict';
/**
 * PostgreSQL and Redis from Debian's packages, started by the queue-mode test on loopback in
 * temporary folders, and stopped again. `.ci/run` installs the packages when they are missing.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/** The newest PostgreSQL server binaries Debian installed (/usr/lib/postgresql/<major>/bin). */
function postgresBin() {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'bin', 'initdb'))) : [];
	if (majors.length === 0) throw new Error('PostgreSQL is not installed: apt-get install postgresql');
	return path.join(root, majors.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

function waitForPort(/** @type {number} */ port, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	return new Promise((resolve, reject) => {
		const attempt = () => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(undefined);
			});
			socket.once('error', () => {
				socket.destroy();
				if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`));
				else setTimeout(attempt, 200);
			});
		};
		attempt();
	});
}

/**
 * A PostgreSQL cluster of its own on 127.0.0.1:`port` with a database `n8n` (trust
 * authentication on loopback). As root it runs as the `postgres` user, which refuses root.
 * @param {number} port
 */
async function startPostgres(port) {
	const bin = postgresBin();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-postgres-'));
	const asRoot = process.getuid?.() === 0;
	const run = (/** @type {string} */ command, /** @type {string[]} */ args) =>
		asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' }) : execFileSync(command, args, { stdio: 'pipe' });
	if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
	const data = path.join(dir, 'data');
	run(path.join(bin, 'initdb'), ['-D', data, '-U', 'n8n', '--auth=trust', '-E', 'UTF8']);
	const server = spawn(
		asRoot ? 'runuser' : path.join(bin, 'postgres'),
		[...(asRoot ? ['-u', 'postgres', '--', path.join(bin, 'postgres')] : []), '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let log = '';
	server.stdout.on('data', (chunk) => (log += chunk));
	server.stderr.on('data', (chunk) => (log += chunk));
	await waitForPort(port).catch((error) => {
		throw new Error(`${error.message}: ${log}`);
	});
	for (let attempt = 0; ; attempt++) {
		try {
			run(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', 'n8n']);
			break;
		} catch (error) {
			if (attempt > 20) throw error; // still starting up
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
	return {
		env: { DB_TYPE: 'postgresdb', DB_POSTGRESDB_HOST: '127.0.0.1', DB_POSTGRESDB_PORT: String(port), DB_POSTGRESDB_DATABASE: 'n8n', DB_POSTGRESDB_USER: 'n8n', DB_POSTGRESDB_PASSWORD: '' },
		async stop() {
			const exited = new Promise((resolve) => server.once('exit', resolve));
			// runuser does not pass signals on: ask PostgreSQL itself for a fast shutdown
			run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
			await exited;
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** A Redis server on 127.0.0.1:`port` that keeps nothing on disk. */
async function startRedis(/** @type {number} */ port) {
	if (!fs.existsSync('/usr/bin/redis-server')) throw new Error('Redis is not installed: apt-get install redis-server');
	const server = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
	await waitForPort(port);
	return {
		env: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
		async stop() {
			const exited = new Promise((resolve) => server.once('exit', resolve));
			server.kill('SIGTERM');
			await exited;
		},
	};
}

module.exports = { startPostgres, startRedis };

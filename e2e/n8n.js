// @ts-check
'use strict';
/**
 * Drives a real n8n installation from the command line: a user folder of its own, this package
 * installed from its packed tarball as a community package (as users get it), and n8n's own
 * import, execute and start commands.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ROOT } = require('./install');

/** Builds and packs this package once per run; returns the tarball path. */
function packTarball() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amparex-pack-'));
	execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
	const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
	return path.join(dir, JSON.parse(output)[0].filename);
}

class N8nCli {
	/**
	 * @param {ReturnType<typeof import('./install').ensureN8n>} install
	 * @param {string | null} tarball this package's tarball; null for an n8n without it
	 * @param {Record<string, string>} [env] more n8n settings (database, queue mode)
	 */
	constructor(install, tarball, env = {}) {
		this.install = install;
		this.userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-${install.version}-`));
		/** Everything n8n printed except the run data `--rawOutput` prints on request: its log. */
		this.log = '';
		this.env = {
			PATH: `${install.node.binDir}:${process.env.PATH}`,
			HOME: this.userFolder,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'e2e-encryption-key-for-tests-only',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_RUNNERS_ENABLED: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			DB_SQLITE_POOL_SIZE: '2',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			NODE_ENV: 'production',
			...env,
		};
		if (tarball === null) return;
		const nodesDir = path.join(this.userFolder, '.n8n', 'nodes');
		fs.mkdirSync(nodesDir, { recursive: true });
		fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
		execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=peer', tarball], {
			cwd: nodesDir,
			stdio: 'ignore',
		});
	}

	/**
	 * Everything n8n stored: the SQLite database with its write-ahead log, and its storage
	 * folder (not the installed packages).
	 */
	storedData() {
		const chunks = /** @type {string[]} */ ([]);
		const walk = (/** @type {string} */ dir) => {
			for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
				const file = path.join(dir, entry.name);
				if (entry.isDirectory()) {
					if (file !== path.join(this.userFolder, '.n8n', 'nodes')) walk(file);
				} else chunks.push(fs.readFileSync(file).toString('latin1'));
			}
		};
		walk(path.join(this.userFolder, '.n8n'));
		return chunks.join('\n');
	}

	remove() {
		fs.rmSync(this.userFolder, { recursive: true, force: true });
	}

	/** Runs an n8n command to its end; returns its exit code and output. */
	command(/** @type {string[]} */ args) {
		return new Promise((resolve) => {
			const child = spawn(this.install.node.bin, [this.install.n8nBin, ...args], {
				env: this.env,
				cwd: this.userFolder,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk) => (stdout += chunk));
			child.stderr.on('data', (chunk) => (stderr += chunk));
			child.on('close', (code) => resolve({ code, stdout, stderr }));
		});
	}

	/**
	 * `n8n start` (or `n8n worker`) on loopback; resolves when it is ready: for `start`, when the
	 * REST API answers (/healthz and, on 1.x, /healthz/readiness answer earlier); for a worker,
	 * when its health check answers. `stop()` ends it; `exitCode()` tells whether it crashed.
	 * @param {number} port
	 * @param {{ command?: 'start' | 'worker', env?: Record<string, string> }} [options]
	 */
	async start(port, { command = 'start', env = {} } = {}) {
		const url = `http://127.0.0.1:${port}`;
		// a left-over n8n on the port would answer the readiness checks below in its place
		if (await fetch(url).then(() => true, () => false)) throw new Error(`Port ${port} is already in use: stop what listens there.`);
		const started = Date.now();
		const child = spawn(this.install.node.bin, [this.install.n8nBin, command], {
			env: {
				...this.env,
				N8N_PORT: String(port),
				// the task broker's own port (default 5679) moves along, so several instances can run
				N8N_RUNNERS_BROKER_PORT: String(port + 10_000),
				...(command === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port) } : {}),
				...env,
			},
			cwd: this.userFolder,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		child.stdout.on('data', (chunk) => (this.log += chunk));
		child.stderr.on('data', (chunk) => (this.log += chunk));
		const exited = new Promise((resolve) => child.once('exit', resolve));
		const ready = command === 'worker' ? `${url}/healthz` : `${url}/rest/settings`;
		for (let waited = 0; ; waited += 250) {
			if (child.exitCode !== null) throw new Error(`n8n ${command} exited: ${this.log.slice(-2000)}`);
			if (waited > 180_000) throw new Error(`n8n ${command} did not start within 180 s`);
			const healthy = await fetch(ready).then(
				(response) => response.ok && (response.headers.get('content-type') ?? '').includes('json'),
				() => false,
			);
			if (healthy) break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		return {
			url,
			startupMs: Date.now() - started,
			exitCode: () => child.exitCode,
			stop: async () => {
				if (child.exitCode === null) child.kill('SIGTERM');
				await exited;
			},
		};
	}

	/** Activates (2.x: publishes) an imported workflow, so its triggers and webhooks run. */
	async activate(/** @type {string} */ id) {
		const args = this.install.line === '1.x' ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`];
		const result = /** @type {any} */ (await this.command(args));
		this.log += result.stdout + result.stderr;
		if (result.code !== 0) throw new Error(`activating ${id} failed: ${result.stdout}${result.stderr}`);
	}

	/** `n8n import:<kind>` of the given items from a temporary file. */
	async importItems(/** @type {'credentials' | 'workflow'} */ kind, /** @type {object[]} */ items) {
		const file = path.join(this.userFolder, `${kind}-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(items));
		const result = /** @type {any} */ (await this.command([`import:${kind}`, `--input=${file}`]));
		fs.rmSync(file);
		this.log += result.stdout + result.stderr;
		if (result.code !== 0) throw new Error(`import:${kind} failed: ${result.stdout}${result.stderr}`);
	}

	/** `n8n import:credentials`: plain `data` is encrypted on import. */
	async importCredentials(/** @type {object[]} */ credentials) {
		await this.importItems('credentials', credentials);
	}

	async importWorkflows(/** @type {object[]} */ workflows) {
		await this.importItems('workflow', workflows);
	}

	/**
	 * `n8n execute --id`: returns whether it succeeded and the run data it printed.
	 * @returns {Promise<{ ok: boolean, data: any, stdout: string, stderr: string }>}
	 */
	async execute(/** @type {string} */ id) {
		const result = /** @type {any} */ (await this.command(['execute', `--id=${id}`, '--rawOutput']));
		const ok = result.code === 0 && !result.stdout.includes('Execution was NOT successful');
		// --rawOutput prints the run data as indented JSON after the log lines
		const start = result.stdout.search(/^\{/m);
		this.log += (start >= 0 ? result.stdout.slice(0, start) : result.stdout) + result.stderr;
		let data;
		try {
			data = start >= 0 ? JSON.parse(result.stdout.slice(start)) : undefined;
		} catch {
			data = undefined;
		}
		return { ok, data, stdout: result.stdout, stderr: result.stderr };
	}
}

/**
 * Sets up the owner account of a started n8n and returns its REST session, as the editor uses it.
 * @param {string} url
 */
async function ownerSession(url, owner = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Owner-Passw0rd!' }) {
	const headers = { 'content-type': 'application/json', 'browser-id': 'e2e' };
	const setup = await fetch(`${url}/rest/owner/setup`, { method: 'POST', headers, body: JSON.stringify(owner) });
	if (!setup.ok) throw new Error(`owner setup failed: HTTP ${setup.status} ${await setup.text()}`);
	const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0];
	const call = async (/** @type {string} */ method, /** @type {string} */ route, /** @type {unknown} */ body) => {
		const response = await fetch(`${url}/rest/${route}`, {
			method,
			headers: { ...headers, cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, body: /** @type {any} */ (await response.json()) };
	};
	return {
		status: setup.status,
		cookie,
		get: (/** @type {string} */ route) => call('GET', route, undefined),
		post: (/** @type {string} */ route, /** @type {unknown} */ body) => call('POST', route, body),
		patch: (/** @type {string} */ route, /** @type {unknown} */ body) => call('PATCH', route, body),
	};
}

module.exports = { N8nCli, packTarball, ownerSession };

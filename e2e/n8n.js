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
	 * @param {string} tarball
	 */
	constructor(install, tarball) {
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
		};
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
	 * `n8n start` on loopback; resolves when the REST API answers (/healthz and, on 1.x, /healthz/readiness answer earlier). `stop()` ends it.
	 * @param {number} port
	 */
	async start(port) {
		const child = spawn(this.install.node.bin, [this.install.n8nBin, 'start'], {
			// the task broker's own port (default 5679) moves along, so several instances can run
			env: { ...this.env, N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(port + 10_000) },
			cwd: this.userFolder,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		child.stdout.on('data', (chunk) => (this.log += chunk));
		child.stderr.on('data', (chunk) => (this.log += chunk));
		const url = `http://127.0.0.1:${port}`;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		for (let waited = 0; ; waited += 500) {
			if (child.exitCode !== null) throw new Error(`n8n start exited: ${this.log.slice(-2000)}`);
			if (waited > 120_000) throw new Error('n8n did not start within 120 s');
			// n8n 1.x answers readiness a few seconds before its REST routes exist
			const healthy = await fetch(`${url}/rest/settings`).then(
				(response) => response.ok && (response.headers.get('content-type') ?? '').includes('json'),
				() => false,
			);
			if (healthy) break;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		return {
			url,
			stop: async () => {
				child.kill('SIGTERM');
				await exited;
			},
		};
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

module.exports = { N8nCli, packTarball };

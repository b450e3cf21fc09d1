'use strict';
/**
 * n8n's queue mode, its way to grow past one machine: PostgreSQL and Redis (Debian's packages,
 * started here on loopback), one n8n main that takes the webhooks and two workers that run the
 * executions, all with this package. 200 executions from a credential without a token, with
 * every session revoked halfway: all succeed, and each worker logs in at most once per token.
 */
const fs = require('node:fs');
const path = require('node:path');

const { ensureN8n } = require('./install');
const { N8nCli, packTarball } = require('./n8n');
const { launch } = require('./instance');
const { credentials, benchWorkflows } = require('./workflows');
const { startPostgres, startRedis } = require('./services');
const { startSimulator, UNLIMITED_TENANT } = require('../test/helpers/simulator');

const EXECUTIONS = 200;
const PARALLEL = 20;
const tenant = UNLIMITED_TENANT;

let tarball;
let postgres;
let redis;
let sim;
let main;
const workers = [];

beforeAll(async () => {
	tarball = packTarball();
	postgres = await startPostgres(55432);
	redis = await startRedis(56379);
	sim = await startSimulator({ tokenValiditySeconds: 3600, tenants: [tenant] });
	const install = ensureN8n('2.x');
	const env = { ...postgres.env, ...redis.env, EXECUTIONS_MODE: 'queue' };
	main = await launch({
		install,
		tarball,
		port: 5740,
		credentials: credentials(sim.baseUrl, tenant).slice(0, 1),
		workflows: benchWorkflows(sim.baseUrl, tenant).filter((workflow) => workflow.id === 'bench-node'),
		env,
	});
	for (const port of [5741, 5742]) {
		const cli = new N8nCli(install, tarball, env);
		workers.push({ cli, server: await cli.start(port, { command: 'worker' }) });
	}
});

afterAll(async () => {
	for (const worker of workers) {
		await worker.server.stop();
		worker.cli.remove();
	}
	await main?.stop();
	await sim?.close();
	await redis?.stop();
	await postgres?.stop();
	if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
});

test(`queue mode, 1 main + 2 workers: ${EXECUTIONS} executions, sessions revoked halfway`, async () => {
	const answers = [];
	let next = 0;
	let revoked = false;
	const caller = async () => {
		while (next < EXECUTIONS) {
			next++;
			if (!revoked && next > EXECUTIONS / 2) {
				revoked = true;
				await sim.expireTokens();
			}
			answers.push(await main.webhook('bench-node', [1]));
		}
	};
	await Promise.all(Array.from({ length: PARALLEL }, caller));

	const failed = answers.filter((answer) => answer.status !== 200 || answer.body.user !== tenant.serviceAccount.username);
	if (failed.length) {
		// the webhook only says "Error in workflow": show what the failed executions stored
		const executions = await main.executions('bench-node', 50, { status: ['error', 'crashed'] });
		const errors = executions.map((execution) => JSON.stringify(execution.data.resultData.error ?? execution.data.resultData.runData).slice(0, 600));
		const logs = [main.n8n.log, ...workers.map((worker) => worker.cli.log)].join('\n').split('\n').filter((line) => /error|fail/i.test(line) && !/migration/i.test(line));
		expect({ failed: failed.length, errors, statuses: executions.map((execution) => execution.status).filter((status) => status !== 'success'), total: executions.length, logs: logs.slice(0, 30) }).toEqual({ failed: 0 });
	}
	expect(answers).toHaveLength(EXECUTIONS);

	// both workers ran executions; none of the processes crashed
	const ran = workers.map((worker) => (worker.cli.log.match(/Worker started execution/g) ?? []).length);
	expect(ran.reduce((a, b) => a + b, 0)).toBe(EXECUTIONS);
	for (const count of ran) expect(count).toBeGreaterThan(0);
	for (const instance of [main.server, ...workers.map((worker) => worker.server)]) expect(instance.exitCode()).toBeNull();

	const stats = await sim.stats();
	const logins = stats.requests['POST /login'] ?? 0;
	const rejected = stats.requests['GET /protected/whoami'] - EXECUTIONS;
	process.stdout.write(
		`[queue] ${EXECUTIONS} executions on 2 workers (${ran.join(' + ')}), ${logins} logins for 2 token lifetimes, ${rejected} refused calls retried, ${stats.totalRequests} AMPAREX requests\n`,
	);
	// one token lifetime before the revocation and one after: at most one login per worker each
	expect(logins).toBeGreaterThanOrEqual(2);
	expect(logins).toBeLessThanOrEqual(2 * workers.length);
});

'use strict';
/**
 * Many executions at once and a token that keeps expiring, in real n8n: 50 webhook executions
 * in parallel on a credential without a session, and a 60 s soak with tokens valid for 2 s.
 */
const { ensureN8n, N8N_VERSIONS } = require('./install');
const { packTarball } = require('./n8n');
const { launch } = require('./instance');
const { credentials, benchWorkflows } = require('./workflows');
const { startSimulator, UNLIMITED_TENANT } = require('../test/helpers/simulator');

const LINES = (process.env.E2E_N8N_LINES ?? Object.keys(N8N_VERSIONS).join(',')).split(',');
const SOAK_SECONDS = 60;
const TOKEN_VALIDITY_SECONDS = 2;
let tarball;

beforeAll(() => {
	tarball = packTarball();
});
afterAll(() => {
	if (tarball) require('node:fs').rmSync(require('node:path').dirname(tarball), { recursive: true, force: true });
});

const tenant = UNLIMITED_TENANT;
const whoAmIWorkflow = (baseUrl) => benchWorkflows(baseUrl, tenant).filter((workflow) => workflow.id === 'bench-node');
const logins = (stats) => stats.requests['POST /login'] ?? 0;

describe.each(LINES)('n8n %s', (line) => {
	test('50 executions at once without a cached token: all succeed, one login', async () => {
		const sim = await startSimulator({ tokenValiditySeconds: 3600, tenants: [tenant] });
		const n8n = await launch({
			install: ensureN8n(line),
			tarball,
			port: 5720 + LINES.indexOf(line),
			credentials: credentials(sim.baseUrl, tenant).slice(0, 1),
			workflows: whoAmIWorkflow(sim.baseUrl),
		});
		try {
			const answers = await Promise.all(Array.from({ length: 50 }, () => n8n.webhook('bench-node', [1])));
			expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
			expect(answers.every((answer) => answer.body.user === tenant.serviceAccount.username)).toBe(true);
			const stats = await sim.stats();
			process.stdout.write(`[scale] n8n ${line}: 50 parallel executions → ${logins(stats)} login, ${stats.totalRequests} AMPAREX requests\n`);
			expect(logins(stats)).toBe(1);
			expect(stats.totalRequests).toBe(51);
			expect(n8n.server.exitCode()).toBeNull();
		} finally {
			await n8n.stop();
			await sim.close();
		}
	});
});

test(`soak on n8n 2.x: ${SOAK_SECONDS} s of steady load, tokens valid for ${TOKEN_VALIDITY_SECONDS} s`, async () => {
	const sim = await startSimulator({ tokenValiditySeconds: TOKEN_VALIDITY_SECONDS, tenants: [tenant] });
	const n8n = await launch({
		install: ensureN8n('2.x'),
		tarball,
		port: 5725,
		credentials: credentials(sim.baseUrl, tenant).slice(0, 1),
		workflows: whoAmIWorkflow(sim.baseUrl),
	});
	try {
		const failures = [];
		let executions = 0;
		const started = Date.now();
		// two callers in a loop: executions overlap, as a busy webhook's do
		const caller = async () => {
			while (Date.now() - started < SOAK_SECONDS * 1000) {
				const answer = await n8n.webhook('bench-node', [1, 2]);
				executions++;
				if (answer.status !== 200) failures.push(`${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
			}
		};
		await Promise.all([caller(), caller()]);
		const seconds = (Date.now() - started) / 1000;
		const stats = await sim.stats();
		const expected = seconds / TOKEN_VALIDITY_SECONDS;
		process.stdout.write(
			`[soak] ${executions} executions in ${seconds.toFixed(1)} s, ${failures.length} failed; ${logins(stats)} logins ` +
				`(duration / validity = ${expected.toFixed(1)}), ${stats.requests['GET /protected/whoami']} Who Am I requests\n`,
		);
		expect(failures).toEqual([]);
		expect(executions).toBeGreaterThan(20);
		// a token is renewed when AMPAREX first refuses it: never more often than it expires,
		// and at least once per lifetime minus the gaps in which no call came
		expect(logins(stats)).toBeLessThanOrEqual(Math.ceil(expected) + 1);
		expect(logins(stats)).toBeGreaterThanOrEqual(Math.floor(expected * 0.7));
	} finally {
		await n8n.stop();
		await sim.close();
	}
});

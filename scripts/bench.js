#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * npm run bench: AMPAREX calls per operation and time per item in a real n8n (2.x, from the e2e
 * cache) against the simulator on loopback, side by side in one run. Writes docs/benchmarks.md
 * and docs/calls-per-operation.svg from what it measured.
 *
 * BENCH_RUNS (default 7) sets the runs per variant of the time-per-item comparison.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ensureN8n, ROOT } = require('../e2e/install');
const { N8nCli, packTarball } = require('../e2e/n8n');
const { launch } = require('../e2e/instance');
const { credentials, benchWorkflows } = require('../e2e/workflows');
const { createSimulator } = require('../simulator/server');
const { UNLIMITED_TENANT } = require('../test/helpers/simulator');

const PORT = 5710;
const EXECUTIONS = [1, 10, 100];
const ITEMS = [1, 100];
const TIMING_ITEMS = 1000;
const TIMING_RUNS = Number(process.env.BENCH_RUNS ?? 7);
const STARTUP_RUNS = 3;
const DOCS = path.join(ROOT, 'docs');
/** How long nodes/AmparexLogin/transport/session.ts shares a fresh login (FRESH_LOGIN_SHARE_MS). */
const FRESH_LOGIN_SHARE_MS = 10_000;

const say = (/** @type {string} */ line) => process.stdout.write(`[bench] ${line}\n`);
const median = (/** @type {number[]} */ values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const range = (/** @type {number} */ n) => Array.from({ length: n }, (_, index) => index + 1);

async function main() {
	const install = ensureN8n('2.x');
	say('packing the package');
	const tarball = packTarball();
	const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }));

	// latency 0, a quota that does not run out, tokens valid for the spec's 60 minutes
	const tenant = UNLIMITED_TENANT;
	const simulator = createSimulator({ tokenValiditySeconds: 3600, tenants: [tenant] });
	const baseUrl = await simulator.listen(0, '127.0.0.1');
	const stats = () => structuredClone(simulator.state.snapshot());
	const workflows = benchWorkflows(baseUrl, tenant);
	say(`starting n8n ${install.version} with the benchmark workflows`);
	const n8n = await launch({ install, tarball, port: PORT, credentials: credentials(baseUrl, tenant).slice(0, 1), workflows });

	try {
		// 1. AMPAREX calls per operation: K executions of M Who Am I calls, each cell from a
		//    credential without a cached token
		const cells = [];
		for (const [variant, workflowId] of [['AMPAREX Login node', 'bench-node'], ['HTTP Request login + calls', 'bench-http-login']]) {
			for (const items of ITEMS) {
				for (const executions of EXECUTIONS) {
					await n8n.resetCredentials();
					// the package hands a login of the last 10 s to callers with an empty token; wait
					// that out, so that each cell pays its own login
					await new Promise((resolve) => setTimeout(resolve, FRESH_LOGIN_SHARE_MS + 500));
					const before = stats();
					for (let run = 0; run < executions; run++) {
						const answer = await n8n.webhook(workflowId, range(items));
						if (answer.status !== 200 || typeof answer.body !== 'object' || !('loginBranchID' in answer.body)) {
							throw new Error(`${workflowId} failed: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
						}
					}
					const after = stats();
					const requests = after.totalRequests - before.totalRequests;
					const logins = (after.requests['POST /login'] ?? 0) - (before.requests['POST /login'] ?? 0);
					const operations = executions * items;
					cells.push({ variant, items, executions, operations, requests, logins, perOperation: requests / operations });
					say(`${variant}, ${executions} × ${items} items: ${requests} AMPAREX requests (${logins} logins)`);
				}
			}
		}

		// 2. time per item: 1000 items in one execution, the node against the HTTP Request node
		//    on the same route and credential, alternating, after one warm-up run of each
		const timing = { node: /** @type {number[]} */ ([]), http: /** @type {number[]} */ ([]) };
		const items = range(TIMING_ITEMS);
		for (let run = 0; run <= TIMING_RUNS; run++) {
			for (const [key, workflowId] of /** @type {const} */ ([['node', 'bench-node'], ['http', 'bench-http-credential']])) {
				const answer = await n8n.webhook(workflowId, items);
				if (answer.status !== 200) throw new Error(`${workflowId} failed: HTTP ${answer.status}`);
				const [execution] = await n8n.executions(workflowId);
				const runData = execution.data.resultData.runData['Who Am I'][0];
				if (runData.data.main[0].length !== TIMING_ITEMS) throw new Error(`${workflowId} returned ${runData.data.main[0].length} items`);
				if (run > 0) timing[key].push(runData.executionTime);
			}
		}
		say(`time per ${TIMING_ITEMS} items: node ${median(timing.node)} ms, HTTP Request ${median(timing.http)} ms (medians)`);
		await n8n.stop();

		// 3. footprint: n8n's start-up with and without the package (after a first, migrating start)
		const startup = { with: /** @type {number[]} */ ([]), without: /** @type {number[]} */ ([]) };
		const folders = { with: new N8nCli(install, tarball), without: new N8nCli(install, null) };
		try {
			for (let run = 0; run <= STARTUP_RUNS; run++) {
				for (const key of /** @type {const} */ (['without', 'with'])) {
					const server = await folders[key].start(PORT);
					await server.stop();
					if (run > 0) startup[key].push(server.startupMs);
				}
			}
		} finally {
			folders.with.remove();
			folders.without.remove();
		}
		say(`start-up: ${median(startup.without)} ms without, ${median(startup.with)} ms with the package (medians)`);

		writeReport({ install, packed, cells, timing, startup });
	} finally {
		await n8n.stop().catch(() => undefined);
		await simulator.close();
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}

/**
 * @param {{ install: any, packed: any, cells: any[], timing: { node: number[], http: number[] }, startup: { with: number[], without: number[] } }} results
 */
function writeReport({ install, packed, cells, timing, startup }) {
	const fixed = (/** @type {number} */ value, digits = 3) => value.toFixed(digits);
	const nodeCells = cells.filter((cell) => cell.variant === 'AMPAREX Login node');
	const worstExtra = Math.max(...nodeCells.map((cell) => cell.requests - cell.operations));
	const largest = nodeCells.reduce((a, b) => (b.operations > a.operations ? b : a));
	const ratio = median(timing.node) / median(timing.http);
	const cpus = os.cpus();
	const lines = [
		'# Benchmarks',
		'',
		'Written by `npm run bench` from the run it describes; nothing here is typed in. It runs a real',
		`n8n ${install.version} (Node.js ${execFileSync(install.node.bin, ['--version'], { encoding: 'utf8' }).trim()}) with this package installed from its tarball, workflows started by`,
		'their production webhooks, against the AMPAREX simulator on 127.0.0.1 with no added latency.',
		'AMPAREX requests are counted by the simulator.',
		'',
		`Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; run on ${new Date().toISOString().slice(0, 10)}.`,
		'',
		'## AMPAREX calls per operation',
		'',
		'K executions of a workflow whose webhook receives M items, each item one Who Am I call. Each',
		'cell starts from a credential without a cached session.',
		'',
		'- **AMPAREX Login node**: Webhook → Split Out → AMPAREX Login (Who Am I) with the AMPAREX API',
		'  credential.',
		'- **HTTP Request login + calls**: what a workflow without this package does: Webhook →',
		'  HTTP Request `POST /login` (username and password headers) → Split Out → HTTP Request',
		'  `GET /protected/whoami` with `Bearer {{ token }}`; the login runs in every execution.',
		'',
		'| variant | M items | K executions | operations | AMPAREX requests | logins | requests per operation |',
		'| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
		...cells.map((cell) => `| ${cell.variant} | ${cell.items} | ${cell.executions} | ${cell.operations} | ${cell.requests} | ${cell.logins} | ${fixed(cell.perOperation)} |`),
		'',
		`Goal: the node needs one login per token lifetime, so requests per operation approach 1.0 and`,
		`never exceed one extra call per token lifetime. Measured: at most ${worstExtra} extra request(s) per cell`,
		`(every cell lies within one token lifetime of 60 minutes); ${fixed(largest.perOperation, 4)} requests per operation at`,
		`${largest.operations} operations. The goal ${worstExtra <= 1 ? 'holds' : `misses by ${worstExtra - 1} request(s)`}.`,
		'',
		'![Requests per operation against executions](calls-per-operation.svg)',
		'',
		'## Time per item',
		'',
		`One execution of ${TIMING_ITEMS} items, the AMPAREX Login node (Who Am I) against the HTTP Request node calling`,
		'the same route with the same credential, after one warm-up run each, alternating. The time is',
		"the node's own execution time as n8n stores it with the execution.",
		'',
		'| node | runs | median (ms) | per item (ms) | min (ms) | max (ms) |',
		'| --- | ---: | ---: | ---: | ---: | ---: |',
		...(/** @type {const} */ ([['AMPAREX Login node', 'node'], ['HTTP Request node', 'http']])).map(
			([name, key]) =>
				`| ${name} | ${timing[key].length} | ${median(timing[key])} | ${fixed(median(timing[key]) / TIMING_ITEMS)} | ${Math.min(...timing[key])} | ${Math.max(...timing[key])} |`,
		),
		'',
		`Ratio of the medians (node / HTTP Request): **${fixed(ratio)}**. Goal: at most 1.05; the goal ${ratio <= 1.05 ? 'holds' : `misses by ${fixed((ratio - 1.05) * 100, 1)} percentage points`}.`,
		`All runs: node ${timing.node.join(', ')} ms; HTTP Request ${timing.http.join(', ')} ms.`,
		'',
		'## Footprint',
		'',
		`- Packed tarball: ${packed.size} bytes (${packed.entryCount} files, ${packed.unpackedSize} bytes unpacked); no runtime dependencies.`,
		`- n8n start-up until its REST API answers, median of ${startup.with.length} starts each after a first start, alternating:`,
		`  ${median(startup.without)} ms without the package, ${median(startup.with)} ms with it`,
		`  (${fixed(median(startup.with) / median(startup.without))}×; runs without: ${startup.without.join(', ')} ms; with: ${startup.with.join(', ')} ms).`,
		'',
	];
	fs.mkdirSync(DOCS, { recursive: true });
	fs.writeFileSync(path.join(DOCS, 'benchmarks.md'), lines.join('\n'));
	fs.writeFileSync(path.join(DOCS, 'calls-per-operation.svg'), chart(cells));
	say('wrote docs/benchmarks.md and docs/calls-per-operation.svg');
}

/** A line chart: requests per operation (y) against executions K (x, logarithmic), one line per variant and M. */
function chart(/** @type {any[]} */ cells) {
	const width = 640;
	const height = 400;
	const margin = { left: 64, right: 220, top: 32, bottom: 56 };
	const plotW = width - margin.left - margin.right;
	const plotH = height - margin.top - margin.bottom;
	const yMax = Math.ceil(Math.max(...cells.map((cell) => cell.perOperation)) * 2) / 2;
	const x = (/** @type {number} */ k) => margin.left + (Math.log10(k) / Math.log10(EXECUTIONS[EXECUTIONS.length - 1])) * plotW;
	const y = (/** @type {number} */ v) => margin.top + plotH - (v / yMax) * plotH;
	const series = [...new Set(cells.map((cell) => `${cell.variant}|${cell.items}`))];
	const colors = ['#1565c0', '#64b5f6', '#e65100', '#ffb74d'];
	const parts = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
		`<rect width="${width}" height="${height}" fill="#fff"/>`,
		`<text x="${margin.left}" y="20" font-size="14" font-weight="bold">AMPAREX requests per operation (measured)</text>`,
	];
	for (let v = 0; v <= yMax + 1e-9; v += 0.5) {
		parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
		parts.push(`<text x="${margin.left - 8}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
	}
	for (const k of EXECUTIONS) {
		parts.push(`<line x1="${x(k)}" x2="${x(k)}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#eee"/>`);
		parts.push(`<text x="${x(k)}" y="${margin.top + plotH + 18}" text-anchor="middle">${k}</text>`);
	}
	parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle">executions K (log scale)</text>`);
	parts.push(`<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">requests per operation</text>`);
	series.forEach((key, index) => {
		const [variant, items] = key.split('|');
		const points = cells.filter((cell) => cell.variant === variant && String(cell.items) === items);
		const color = colors[index % colors.length];
		parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((cell) => `${x(cell.executions).toFixed(1)},${y(cell.perOperation).toFixed(1)}`).join(' ')}"/>`);
		for (const cell of points) parts.push(`<circle cx="${x(cell.executions).toFixed(1)}" cy="${y(cell.perOperation).toFixed(1)}" r="3.5" fill="${color}"/>`);
		const legendY = margin.top + 16 + index * 20;
		parts.push(`<line x1="${width - margin.right + 16}" x2="${width - margin.right + 36}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`);
		parts.push(`<text x="${width - margin.right + 42}" y="${legendY + 4}">${variant === 'AMPAREX Login node' ? 'AMPAREX Login node' : 'HTTP login + calls'}, M = ${items}</text>`);
	});
	parts.push('</svg>', '');
	return parts.join('\n');
}

main().catch((error) => {
	process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
	process.exit(1);
});

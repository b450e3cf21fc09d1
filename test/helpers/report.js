'use strict';
/** Collects measured AMPAREX call counts and prints them as a table when a test file ends. */
const rows = /** @type {Array<[string, number, number, string]>} */ ([]);

/** Records logins and requests measured by the simulator for one scenario. */
function record(/** @type {string} */ scenario, /** @type {any} */ stats, /** @type {string} */ note = '') {
	rows.push([scenario, stats.logins.succeeded + stats.logins.failed, stats.totalRequests, note]);
}

function printReport(/** @type {string} */ title) {
	if (rows.length === 0) return;
	const width = Math.max(...rows.map((row) => row[0].length), 8);
	const lines = [
		'',
		`${title}: AMPAREX calls measured by the simulator`,
		`${'scenario'.padEnd(width)}  logins  requests  note`,
		...rows.map(([scenario, logins, requests, note]) =>
			`${scenario.padEnd(width)}  ${String(logins).padStart(6)}  ${String(requests).padStart(8)}  ${note}`,
		),
		'',
	];
	process.stdout.write(lines.join('\n') + '\n');
}

module.exports = { record, printReport };

'use strict';
/** What n8n's community package verification checks, and what `npm pack` ships. */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const pkg = require('../package.json');

test('no runtime dependencies, n8n-workflow as the only peer, strict n8n block, no install scripts', () => {
	expect(pkg.dependencies).toBeUndefined();
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(pkg.license).toBe('MIT');
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.n8n).toMatchObject({
		n8nNodesApiVersion: 1,
		strict: true,
		credentials: ['dist/credentials/AmparexApi.credentials.js'],
		nodes: ['dist/nodes/AmparexLogin/AmparexLogin.node.js'],
	});
	for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[script]).toBeUndefined();
	expect(JSON.stringify(pkg)).not.toMatch(/<[^>]*>/);
});

test('no eslint-disable in nodes/ or credentials/ (the verification scanner ignores them)', () => {
	const offenders = [];
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const file = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(file);
			else if (fs.readFileSync(file, 'utf8').includes('eslint-disable')) offenders.push(file);
		}
	};
	walk(path.join(root, 'nodes'));
	walk(path.join(root, 'credentials'));
	expect(offenders).toEqual([]);
});

test('npm pack holds the compiled node and credential, the codex, the icons and nothing else', () => {
	if (!fs.existsSync(path.join(root, 'dist', 'nodes', 'AmparexLogin', 'AmparexLogin.node.js'))) {
		execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
	}
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
	const [report] = JSON.parse(output);
	const files = report.files.map((file) => file.path).sort();
	expect(files).toEqual(
		[
			'LICENSE',
			'README.md',
			'package.json',
			'dist/credentials/AmparexApi.credentials.js',
			'dist/icons/amparex.dark.svg',
			'dist/icons/amparex.svg',
			'dist/nodes/AmparexLogin/AmparexLogin.node.js',
			'dist/nodes/AmparexLogin/AmparexLogin.node.json',
			'dist/nodes/AmparexLogin/actions/changeUser.js',
			'dist/nodes/AmparexLogin/actions/common.js',
			'dist/nodes/AmparexLogin/actions/index.js',
			'dist/nodes/AmparexLogin/actions/logout.js',
			'dist/nodes/AmparexLogin/actions/switchBranch.js',
			'dist/nodes/AmparexLogin/actions/whoAmI.js',
			'dist/nodes/AmparexLogin/listSearch/searchBranches.js',
			'dist/nodes/AmparexLogin/transport/api.js',
			'dist/nodes/AmparexLogin/transport/errors.js',
			'dist/nodes/AmparexLogin/transport/request.js',
			'dist/nodes/AmparexLogin/transport/session.js',
		].sort(),
	);
});

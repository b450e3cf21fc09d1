'use strict';
/** npm run demo: a working editor with the package, credential and workflows; Ctrl-C stops all. */
const { spawn } = require('node:child_process');
const path = require('node:path');

// not 5679: n8n's task broker listens there by default
const N8N_PORT = 5688;

test('the demo starts n8n with the package, the credential and the examples, and Ctrl-C stops everything', async () => {
	// its own process group, so the test can send Ctrl-C to all of it as a terminal does
	const demo = spawn(process.execPath, [path.join(__dirname, '..', 'scripts', 'demo.js')], {
		env: { ...process.env, DEMO_N8N_PORT: String(N8N_PORT) },
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	demo.stdout.on('data', (chunk) => (output += chunk));
	demo.stderr.on('data', (chunk) => (output += chunk));
	const exited = new Promise((resolve) => demo.once('exit', resolve));
	try {
		await new Promise((resolve, reject) => {
			const check = setInterval(() => {
				if (output.includes('DEMO READY')) resolve(clearInterval(check));
				if (demo.exitCode !== null) reject(new Error(`demo exited: ${output}`));
			}, 250);
		});
		const login = /login:\s+(\S+) \/ (\S+)/.exec(output);
		expect(output).toContain(`n8n editor:        http://127.0.0.1:${N8N_PORT}`);
		const headers = { 'content-type': 'application/json', 'browser-id': 'demo-test' };
		const signIn = await fetch(`http://127.0.0.1:${N8N_PORT}/rest/login`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ emailOrLdapLoginId: login[1], email: login[1], password: login[2] }),
		});
		expect(signIn.status).toBe(200);
		const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
		const get = async (route) => (await (await fetch(`http://127.0.0.1:${N8N_PORT}/rest/${route}`, { headers: { ...headers, cookie } })).json()).data;
		expect((await get('workflows')).map((workflow) => workflow.id).sort()).toEqual(['amparexBranchChain', 'amparexCustomers', 'amparexWhoAmI']);
		expect((await get('credentials')).map((credential) => credential.name)).toEqual(['AMPAREX demo']);
		// the node types the editor loads include the package's node
		const types = await (await fetch(`http://127.0.0.1:${N8N_PORT}/types/nodes.json`, { headers: { ...headers, cookie } })).text();
		expect(types).toContain('"n8n-nodes-amparex.amparexLogin"');
	} catch (error) {
		throw new Error(`${error.message}\n--- demo output ---\n${output.slice(-3000)}`);
	} finally {
		if (demo.exitCode === null) process.kill(-demo.pid, 'SIGINT');
		await exited;
	}
	expect(output).toContain('Stopped. Nothing is left running.');
	const closed = async (url) => fetch(url).then(() => false, () => true);
	expect(await closed(`http://127.0.0.1:${N8N_PORT}/healthz`)).toBe(true);
	expect(await closed('http://127.0.0.1:8078/__simulator/stats')).toBe(true);
});

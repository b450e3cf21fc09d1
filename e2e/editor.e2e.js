'use strict';
/**
 * The real n8n editor (2.x) in a real browser: Debian's Chromium driven by playwright-core. A
 * user sets up the owner, creates the AMPAREX API credential through its form, finds the node in
 * the nodes panel, picks a branch from the live list and executes the node. The screenshots in
 * docs/screenshots are taken by this test.
 */
const fs = require('node:fs');
const path = require('node:path');
const { chromium, selectors } = require('playwright-core');

const { ensureN8n, ROOT } = require('./install');
const { N8nCli, packTarball } = require('./n8n');
const { startSimulator, testConfig, DEMO_TENANT } = require('../test/helpers/simulator');

const N8N_PORT = 5689;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');
// n8n marks its elements with data-test-id
selectors.setTestIdAttribute('data-test-id');

let sim;
let n8n;
let server;
let browser;
let page;
let tarball;
/** Every response body the editor received, searched for secrets at the end. */
const received = [];

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH.`);
	}
	const install = ensureN8n('2.x');
	tarball = packTarball();
	sim = await startSimulator(testConfig());
	n8n = new N8nCli(install, tarball);
	server = await n8n.start(N8N_PORT);
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		// without the background-networking flags Chromium keeps dialing out of a closed network
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	page.on('response', async (response) => {
		received.push(await response.text().catch(() => ''));
	});
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await sim?.close();
	n8n?.remove();
	if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
});

const shot = (name) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

test('owner setup, credential form, nodes panel, branch list and execution in the editor', async () => {
	const { serviceAccount, alias, branches } = DEMO_TENANT;
	const before = await sim.stats();

	// 1. a fresh n8n sends the user to the owner setup
	await page.goto(`${server.url}/`);
	await page.waitForURL(/\/setup/);
	await page.fill('input[name=email]', 'owner@example.com');
	await page.fill('input[name=firstName]', 'Browser');
	await page.fill('input[name=lastName]', 'Owner');
	await page.fill('input[name=password]', 'Browser-Owner-Passw0rd!');
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.includes('setup'));

	// 2. the credential form: our fields, a masked password, and n8n's own test on save
	await page.goto(`${server.url}/home/credentials/create`);
	await page.getByTestId('new-credential-type-select').locator('input').fill('AMPAREX');
	await page.getByTestId('new-credential-type-select-option').filter({ hasText: 'AMPAREX API' }).click();
	await page.getByTestId('new-credential-type-button').click();
	const form = page.getByTestId('editCredential-modal');
	const field = (name) => form.getByTestId(`parameter-input-${name}`).locator('input');
	for (const name of ['baseUrl', 'alias', 'username', 'password', 'branchId']) await field(name).waitFor();
	// the cached session token is a hidden field: never shown in the form
	expect(await form.getByTestId('parameter-input-sessionToken').count()).toBe(0);
	await field('baseUrl').fill(sim.baseUrl);
	await field('alias').fill(alias);
	await field('username').fill(serviceAccount.username);
	await field('password').fill(serviceAccount.password);
	expect(await field('password').getAttribute('type')).toBe('password');
	await form.getByTestId('credential-save-button').click();
	await form.getByText('Connection tested successfully').waitFor();
	await shot('credential');
	await page.keyboard.press('Escape');

	// 3. a new workflow: the nodes panel finds the node and lists its four actions
	await page.goto(`${server.url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').click();
	await page.getByTestId('node-creator-search-bar').fill('AMPAREX');
	const creator = page.getByTestId('node-creator');
	await creator.getByText('AMPAREX Login', { exact: true }).click();
	for (const action of ['Get the current user and session', 'Change the user with a pincode', 'Switch to another branch', 'Log out a session']) {
		await creator.getByText(action).waitFor();
	}
	await shot('nodes-panel');
	await creator.getByText('Switch to another branch').click();

	// 4. the node's settings: the new credential is preselected, the branch list is live
	const ndv = page.getByTestId('ndv');
	const credential = ndv.getByTestId('node-credentials-select').locator('input');
	await eventually('the preselected credential', () => credential.inputValue(), (value) => value === 'AMPAREX account');
	await ndv.getByTestId('rlc-input').click();
	await page.getByTestId('rlc-item').first().waitFor();
	expect(await page.getByTestId('rlc-item').allInnerTexts()).toEqual(branches.map((branch) => branch.name));
	await shot('branch-list');
	await page.getByTestId('rlc-search').fill('optik');
	await eventually('the filtered branch list', () => page.getByTestId('rlc-item').allInnerTexts(), (names) => names.length === 1 && names[0] === branches[1].name);
	await page.getByTestId('rlc-item').click();
	await eventually('the chosen branch', () => ndv.getByTestId('rlc-input').inputValue(), (value) => value === branches[1].name);

	// 5. execute the step and see the session of the chosen branch
	await ndv.getByTestId('node-execute-button').click();
	const output = ndv.getByTestId('output-panel');
	await output.getByTestId('node-run-status-success').waitFor();
	await eventually('the output', () => output.innerText(), (text) => text.includes('1 item') && text.includes(branches[1].id));
	await output.getByTestId('radio-button-json').click();
	await eventually('the JSON view', () => output.innerText(), (text) => text.includes('"branchId"'));
	await shot('output');

	// AMPAREX calls: the credential test on save logs in and n8n stores that session in the
	// credential; the branch list and the execution reuse it
	const after = await sim.stats();
	const count = (route) => (after.requests[route] ?? 0) - (before.requests[route] ?? 0);
	expect(count('POST /login')).toBe(1);
	expect(after.logins.failed - before.logins.failed).toBe(0);
	expect(count('POST /protected/axlogin')).toBe(1);

	// the password and the credential's session tokens never reach the browser; the Switch Branch
	// token is the node's output, which the editor shows to the user who ran it
	const outputToken = /[A-Za-z0-9_-]{32}/.exec(await output.innerText())?.[0];
	expect(sim.state.issuedTokens).toContain(outputToken);
	const sessionTokens = sim.state.issuedTokens.filter((token) => token !== outputToken);
	expect(sessionTokens).toHaveLength(1);
	const secrets = [serviceAccount.password, ...sessionTokens];
	expect(received.length).toBeGreaterThan(20);
	const everything = [...received, await page.content()].join('\n');
	// what was captured includes the API answers: the branch list came through it
	expect(everything).toContain(branches[2].name);
	expect(secrets.filter((secret) => everything.includes(secret))).toEqual([]);
});

/**
 * The editor renders asynchronously: reads `read()` until `matches` accepts it, for up to 20 s,
 * and fails with what it saw last.
 */
async function eventually(what, read, matches) {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const seen = await read().catch((error) => `(${error.message.split('\n')[0]})`);
		if (matches(seen)) return seen;
		if (Date.now() > deadline) throw new Error(`${what}: last seen ${JSON.stringify(seen).slice(0, 300)}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

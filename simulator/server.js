// @ts-check
'use strict';
/**
 * AMPAREX webaxapi simulator: a real HTTP server that answers the routes this package uses the
 * way the official Swagger document (api-docs.json) describes them. It stands in for AMPAREX in
 * tests and the demo; no real AMPAREX is reachable from a test machine.
 *
 * Where the spec is silent (error bodies, token format, the exact expiryTime format) it answers
 * like a Spring application would, and README.md says so.
 */
const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');

const BASE_PATH = '/amparex/webaxapi';
const CONTROL_PATH = '/__simulator';

/**
 * @typedef {{ username: string, password: string, pincode?: string, staffId?: string, defaultBranchId?: string }} User
 * @typedef {{ id: string, name: string }} BranchConfig
 * @typedef {{ id: string, firstName: string, surname: string, branchID: string, birthdate?: string, customerNr?: number }} CustomerConfig
 * @typedef {{
 *   alias: string, apiActivated?: boolean, callLimit?: number, lockAfterFailedLogins?: number,
 *   enforcePasswordPolicy?: boolean,
 *   serviceAccount: User, users?: User[], branches?: BranchConfig[], customers?: CustomerConfig[]
 * }} Tenant
 * @typedef {{ tokenValiditySeconds?: number, tenants: Tenant[] }} Config
 * @typedef {{ alias: string, user: User, branchId: string, expiresAt: number }} Session
 * A queued fault: applies to the next `remaining` requests of `route` ('*' for any), after letting
 * `skip` of them through. `revokeTokens` ends every session first, as when AMPAREX expires or
 * revokes them; the request is then answered as usual (401 for a token).
 * @typedef {{ route: string, remaining: number, skip?: number, status?: number, body?: string, delayMs?: number, drop?: boolean, notJson?: boolean, html?: boolean, plainText?: boolean, revokeTokens?: boolean }} Fault
 */

/** Passwords AMPAREX accepts: "very strong" (length 10+, lower, upper, digit, other). */
function meetsPasswordPolicy(/** @type {string} */ password) {
	return (
		password.length >= 10 &&
		/[a-z]/.test(password) &&
		/[A-Z]/.test(password) &&
		/\d/.test(password) &&
		/[^A-Za-z0-9]/.test(password)
	);
}

/** `2019-11-05T06:35:00.000+00:00`: the date-time style of the spec's examples. */
function dateTime(/** @type {number} */ ms) {
	return new Date(ms).toISOString().replace('Z', '+00:00');
}

function staffIdFor(/** @type {string} */ username) {
	return crypto.createHash('md5').update(username).digest('hex');
}

const DEFAULT_CUSTOMERS = [
	['Maria', 'Schneider', 0, '1948-04-12'],
	['Hans', 'Müller', 0, '1939-11-02'],
	['Petra', 'Weber', 1, '1962-07-23'],
	['Jürgen', 'Fischer', 1, '1955-01-30'],
	['Sabine', 'Wagner', 2, '1971-09-14'],
	['Klaus', 'Becker', 0, '1944-06-05'],
	['Monika', 'Hoffmann', 2, '1958-03-19'],
	['Stefan', 'Schulz', 1, '1980-12-01'],
];

/** Seeded customers of a tenant: enough to show chaining into customers/search. */
function seedCustomers(/** @type {Tenant} */ tenant) {
	if (tenant.customers) return tenant.customers;
	const branches = tenant.branches ?? [];
	if (branches.length === 0) return [];
	return DEFAULT_CUSTOMERS.map(([firstName, surname, branch, birthdate], index) => ({
		id: crypto.createHash('md5').update(`${tenant.alias}/customer/${index}`).digest('hex'),
		customerNr: 10001 + index,
		firstName: /** @type {string} */ (firstName),
		surname: /** @type {string} */ (surname),
		branchID: branches[/** @type {number} */ (branch) % branches.length].id,
		birthdate: /** @type {string} */ (birthdate),
	}));
}

/** AMPAREX's `*` wildcard, case-insensitive; without `*` an exact (case-insensitive) match. */
function wildcardMatch(/** @type {unknown} */ pattern, /** @type {string} */ value) {
	if (typeof pattern !== 'string' || pattern === '') return true;
	const regex = new RegExp(
		`^${pattern
			.split('*')
			.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
			.join('.*')}$`,
		'i',
	);
	return regex.test(value);
}

/** `ListResultWrapper«T»` with `ResultMetaData`; pages start at 1. */
function page(/** @type {any[]} */ all, /** @type {any} */ metaData) {
	const limit = Math.max(1, Math.min(Number(metaData?.limit) || 100, 1000));
	const lastPage = Math.max(1, Math.ceil(all.length / limit));
	const currentPage = Math.min(Math.max(1, Number(metaData?.page) || 1), lastPage);
	const result = all.slice((currentPage - 1) * limit, currentPage * limit);
	/** @type {Record<string, number>} */
	const resultMetaData = {
		completeCount: all.length,
		currentCount: result.length,
		currentLimit: limit,
		currentPage,
		lastPage,
	};
	if (currentPage < lastPage) resultMetaData.nextPage = currentPage + 1;
	if (currentPage > 1) resultMetaData.previousPage = currentPage - 1;
	return { result, resultMetaData };
}

/** @returns {{ logins: { succeeded: number, failed: number, withCredentialsInUrl: number }, requests: Record<string, number>, totalRequests: number }} */
function emptyStats() {
	return { logins: { succeeded: 0, failed: 0, withCredentialsInUrl: 0 }, requests: {}, totalRequests: 0 };
}

class SimulatorState {
	constructor(/** @type {Config} */ config) {
		/** @type {Config} */ this.config;
		/** @type {number} */ this.tokenValiditySeconds;
		/** @type {Map<string, Tenant>} */ this.tenants;
		/** Every token handed out since the last reset; in-process only, for tests that hunt for leaks. */
		/** @type {string[]} */ this.issuedTokens;
		/** @type {Map<string, Session>} */ this.sessions;
		/** @type {Map<string, number>} */ this.callCounts;
		/** @type {Map<string, number>} */ this.failedLogins;
		/** @type {Set<string>} */ this.locked;
		/** @type {Fault[]} */ this.faults;
		/** @type {ReturnType<typeof emptyStats>} */ this.stats;
		this.configure(config);
	}

	configure(/** @type {Config} */ config) {
		this.config = config;
		this.tokenValiditySeconds = config.tokenValiditySeconds ?? 3600;
		this.tenants = new Map(config.tenants.map((tenant) => [tenant.alias, tenant]));
		this.reset();
	}

	/** Forgets tokens, counters, locks, faults and stats; keeps the configuration. */
	reset() {
		this.issuedTokens = [];
		this.sessions = new Map();
		this.callCounts = new Map();
		this.failedLogins = new Map();
		this.locked = new Set();
		this.faults = [];
		this.stats = emptyStats();
	}

	/** @returns {Tenant | undefined} */
	tenant(/** @type {string} */ alias) {
		return this.tenants.get(alias);
	}

	/** Every user that can log in: the service account and the tenant's users. */
	users(/** @type {Tenant} */ tenant) {
		return [tenant.serviceAccount, ...(tenant.users ?? [])];
	}

	defaultBranch(/** @type {Tenant} */ tenant, /** @type {User} */ user) {
		return user.defaultBranchId ?? tenant.branches?.[0]?.id ?? '';
	}

	issueToken(/** @type {Tenant} */ tenant, /** @type {User} */ user, /** @type {string} */ branchId) {
		const value = crypto.randomBytes(24).toString('base64url');
		const expiresAt = Date.now() + this.tokenValiditySeconds * 1000;
		this.sessions.set(value, { alias: tenant.alias, user, branchId, expiresAt });
		this.issuedTokens.push(value);
		return { expiryTime: dateTime(expiresAt), value };
	}

	/** @returns {Session | undefined} */
	session(/** @type {string} */ alias, /** @type {string | undefined} */ authorization) {
		const match = /^Bearer (.+)$/.exec(authorization ?? '');
		if (!match) return undefined;
		const session = this.sessions.get(match[1]);
		if (!session || session.alias !== alias) return undefined;
		if (session.expiresAt <= Date.now()) {
			this.sessions.delete(match[1]);
			return undefined;
		}
		return session;
	}

	activeTokens() {
		const now = Date.now();
		let count = 0;
		for (const session of this.sessions.values()) if (session.expiresAt > now) count++;
		return count;
	}

	snapshot() {
		return {
			...this.stats,
			activeTokens: this.activeTokens(),
			callCounts: Object.fromEntries(this.callCounts),
			lockedAccounts: [...this.locked],
			pendingFaults: this.faults.filter((fault) => fault.remaining > 0).length,
		};
	}

	/** The next fault for this route, if one is queued. */
	takeFault(/** @type {string} */ route) {
		const fault = this.faults.find(
			(candidate) => candidate.remaining > 0 && (candidate.route === route || candidate.route === '*'),
		);
		if (!fault) return undefined;
		if (fault.skip) {
			fault.skip--;
			return undefined;
		}
		fault.remaining--;
		if (fault.revokeTokens) this.sessions.clear();
		return fault;
	}
}

/** @param {http.ServerResponse} res */
function sendJson(res, /** @type {number} */ status, /** @type {unknown} */ body) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json;charset=UTF-8',
		'Content-Length': Buffer.byteLength(text),
	});
	res.end(text);
}

const REASONS = /** @type {Record<number, string>} */ ({
	400: 'Bad Request',
	401: 'Unauthorized',
	402: 'Payment Required',
	403: 'Forbidden',
	404: 'Not Found',
	422: 'Unprocessable Entity',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
});

/** Spring-style error body; the spec declares none. */
function sendError(
	/** @type {http.ServerResponse} */ res,
	/** @type {number} */ status,
	/** @type {string} */ message,
	/** @type {string} */ path,
) {
	sendJson(res, status, {
		timestamp: dateTime(Date.now()),
		status,
		error: REASONS[status] ?? 'Error',
		message,
		path,
	});
}

/** @returns {Promise<string>} */
function readBody(/** @type {http.IncomingMessage} */ req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * The API routes. Each returns `[status, body]`, or `[status, undefined]` for an empty body.
 * `route` is the spec's path template below `/alias/{alias}`, used for stats and faults.
 */
const ROUTES = [
	{ method: 'POST', template: '/login', pattern: /^\/login$/, handler: login },
	{ method: 'GET', template: '/protected/whoami', pattern: /^\/protected\/whoami$/, handler: whoAmI },
	{ method: 'POST', template: '/protected/changeUser', pattern: /^\/protected\/changeUser$/, handler: changeUser },
	{ method: 'POST', template: '/protected/axlogin', pattern: /^\/protected\/axlogin$/, handler: axLogin },
	{ method: 'POST', template: '/protected/logout', pattern: /^\/protected\/logout$/, handler: logout },
	{
		method: 'POST',
		template: '/protected/branches/search',
		pattern: /^\/protected\/branches\/search$/,
		handler: searchBranches,
	},
	{ method: 'GET', template: '/protected/branches/{id}', pattern: /^\/protected\/branches\/([^/]+)$/, handler: getBranch },
	{
		method: 'POST',
		template: '/protected/customers/search',
		pattern: /^\/protected\/customers\/search$/,
		handler: searchCustomers,
	},
];

/**
 * @typedef {{ state: SimulatorState, tenant: Tenant, session?: Session, req: http.IncomingMessage,
 *   query: URLSearchParams, body: any, match: RegExpExecArray }} RouteContext
 * @typedef {[number, unknown] | [number, unknown, string]} RouteResult
 */

/** @returns {RouteResult} */
function login(/** @type {RouteContext} */ { state, tenant, req, query }) {
	const headerUser = req.headers.username;
	const headerPassword = req.headers.password;
	const inUrl = query.has('username') || query.has('password');
	if (inUrl) state.stats.logins.withCredentialsInUrl++;
	const username = typeof headerUser === 'string' ? headerUser : (query.get('username') ?? '');
	const password = typeof headerPassword === 'string' ? headerPassword : (query.get('password') ?? '');
	const lockKey = `${tenant.alias}/${username}`;
	const user = state.users(tenant).find((candidate) => candidate.username === username);
	const policyOk = tenant.enforcePasswordPolicy === false || meetsPasswordPolicy(password);
	if (!user || user.password !== password || !policyOk || state.locked.has(lockKey)) {
		state.stats.logins.failed++;
		const failures = (state.failedLogins.get(lockKey) ?? 0) + 1;
		state.failedLogins.set(lockKey, failures);
		const limit = tenant.lockAfterFailedLogins ?? 0;
		if (limit > 0 && failures >= limit) state.locked.add(lockKey);
		return [401, 'Unauthorized: unknown user, wrong password, or password does not match the security criteria'];
	}
	state.failedLogins.delete(lockKey);
	state.stats.logins.succeeded++;
	return [200, state.issueToken(tenant, user, state.defaultBranch(tenant, user))];
}

/** @returns {RouteResult} */
function whoAmI(/** @type {RouteContext} */ { state, tenant, session }) {
	const used = state.callCounts.get(tenant.alias) ?? 0;
	const limit = tenant.callLimit ?? 100000;
	const user = /** @type {Session} */ (session).user;
	return [
		200,
		{
			applicationType: {
				names: [
					{ key: 'applicationtype_acoustics', translated: 'Hörakustik' },
					{ key: 'applicationtype_optics', translated: 'Augenoptik' },
				],
				value: 3,
			},
			callCountMode: { key: 'callcountmode_limited', translated: 'Limited' },
			currentCallCount: used,
			loginBranchID: /** @type {Session} */ (session).branchId,
			pinCodeLength: user.pincode?.length ?? 4,
			remainingCallCount: Math.max(0, limit - used),
			resourceID: crypto.createHash('md5').update(`${tenant.alias}/resource`).digest('hex'),
			staffID: user.staffId ?? staffIdFor(user.username),
			user: user.username,
		},
	];
}

/** @returns {RouteResult} */
function changeUser(/** @type {RouteContext} */ { state, tenant, query }) {
	const pincode = query.get('pincode');
	if (!pincode) return [422, 'pincode is required'];
	const user = (tenant.users ?? []).find((candidate) => candidate.pincode === pincode);
	if (!user) return [401, 'Unauthorized: no user with this pincode'];
	return [200, state.issueToken(tenant, user, state.defaultBranch(tenant, user))];
}

/** @returns {RouteResult} */
function axLogin(/** @type {RouteContext} */ { state, tenant, query }) {
	const username = query.get('username');
	const password = query.get('password');
	const branchId = query.get('branchid');
	if (!username || !password || !branchId) return [422, 'username, password and branchid are required'];
	const user = state.users(tenant).find((candidate) => candidate.username === username);
	if (!user || user.password !== password) return [401, 'Unauthorized: wrong username or password'];
	if (!(tenant.branches ?? []).some((branch) => branch.id === branchId)) return [404, 'Branch not found'];
	return [200, state.issueToken(tenant, user, branchId)];
}

/** @returns {RouteResult} */
function logout(/** @type {RouteContext} */ { state, req }) {
	const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
	if (token) state.sessions.delete(token);
	return [200, undefined];
}

/** @returns {RouteResult} */
function searchBranches(/** @type {RouteContext} */ { tenant, body }) {
	const query = body ?? {};
	const branches = (tenant.branches ?? [])
		.filter((branch) => wildcardMatch(query.name, branch.name))
		.map((branch) => ({ id: branch.id, name: branch.name, isHead: branch === tenant.branches?.[0], isTreating: true }))
		.filter((branch) => query.isTreating === undefined || query.isTreating === null || branch.isTreating === query.isTreating);
	return [200, page(branches, query.metaData)];
}

/** @returns {RouteResult} */
function getBranch(/** @type {RouteContext} */ { tenant, match }) {
	const id = decodeURIComponent(match[1]);
	const branch = (tenant.branches ?? []).find((candidate) => candidate.id === id);
	if (!branch) return [404, 'Branch not found'];
	return [200, { id: branch.id, name: branch.name, isHead: branch === tenant.branches?.[0], isTreating: true }];
}

/** @returns {RouteResult} */
function searchCustomers(/** @type {RouteContext} */ { tenant, body }) {
	const query = body ?? {};
	const customers = seedCustomers(tenant).filter(
		(customer) =>
			wildcardMatch(query.surname, customer.surname) &&
			wildcardMatch(query.firstname, customer.firstName) &&
			(!query.branchID || customer.branchID === query.branchID) &&
			(!Array.isArray(query.customerIDs) || query.customerIDs.length === 0 || query.customerIDs.includes(customer.id)),
	);
	return [200, page(customers, query.metaData)];
}

/** Control routes for tests: stats, reset, faults, token expiry. */
async function control(
	/** @type {SimulatorState} */ state,
	/** @type {http.IncomingMessage} */ req,
	/** @type {http.ServerResponse} */ res,
	/** @type {string} */ path,
) {
	const action = `${req.method} ${path.slice(CONTROL_PATH.length)}`;
	const text = req.method === 'POST' ? await readBody(req) : '';
	const body = text ? JSON.parse(text) : {};
	switch (action) {
		case 'GET /stats':
			return sendJson(res, 200, state.snapshot());
		case 'POST /reset':
			if (body.tokenValiditySeconds !== undefined || body.tenants !== undefined) {
				state.configure({ ...state.config, ...body });
			} else {
				state.reset();
			}
			return sendJson(res, 200, state.snapshot());
		case 'POST /faults': {
			const faults = Array.isArray(body) ? body : [body];
			for (const fault of faults) {
				state.faults.push({ ...fault, route: fault.route ?? '*', remaining: fault.count ?? 1 });
			}
			return sendJson(res, 200, { pending: state.faults.filter((fault) => fault.remaining > 0).length });
		}
		case 'DELETE /faults':
			state.faults = [];
			return sendJson(res, 200, { pending: 0 });
		case 'POST /tokens/expire':
			state.sessions.clear();
			return sendJson(res, 200, state.snapshot());
		default:
			return sendError(res, 404, `Unknown simulator control route ${action}`, path);
	}
}

/** Applies a queued fault; returns true when the request was answered by it. */
async function applyFault(
	/** @type {Fault} */ fault,
	/** @type {http.IncomingMessage} */ req,
	/** @type {http.ServerResponse} */ res,
	/** @type {string} */ path,
) {
	if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
	if (fault.drop) {
		req.socket.destroy();
		return true;
	}
	if (fault.notJson || fault.html) {
		const page = '<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Proxy Error</h1></body></html>';
		res.writeHead(fault.status ?? 200, { 'Content-Type': 'text/html' });
		res.end(page);
		return true;
	}
	if (fault.plainText) {
		res.writeHead(fault.status ?? 200, { 'Content-Type': 'text/plain' });
		res.end('Service temporarily unavailable');
		return true;
	}
	if (fault.status) {
		if (fault.body !== undefined) {
			res.writeHead(fault.status, { 'Content-Type': 'application/json;charset=UTF-8' });
			res.end(fault.body);
		} else {
			sendError(res, fault.status, `Simulated ${fault.status}`, path);
		}
		return true;
	}
	return false; // a pure delay: answer normally afterwards
}

async function handle(
	/** @type {SimulatorState} */ state,
	/** @type {http.IncomingMessage} */ req,
	/** @type {http.ServerResponse} */ res,
) {
	const url = new URL(req.url ?? '/', 'http://simulator');
	const rawPath = url.pathname;
	if (rawPath.startsWith(CONTROL_PATH + '/')) return await control(state, req, res, rawPath);

	const prefix = `${BASE_PATH}/alias/`;
	if (!rawPath.startsWith(prefix)) return sendError(res, 404, 'Not Found', rawPath);
	const rest = rawPath.slice(prefix.length);
	const slash = rest.indexOf('/');
	if (slash <= 0) return sendError(res, 404, 'Not Found', rawPath);
	let alias;
	try {
		alias = decodeURIComponent(rest.slice(0, slash));
	} catch {
		return sendError(res, 400, 'Malformed alias', rawPath);
	}
	const subPath = rest.slice(slash);
	const route = ROUTES.find((candidate) => candidate.pattern.test(subPath));
	const routeKey = route ? `${req.method} ${route.template}` : `${req.method} ${subPath}`;
	state.stats.requests[routeKey] = (state.stats.requests[routeKey] ?? 0) + 1;
	state.stats.totalRequests++;
	const spring = (/** @type {number} */ status, /** @type {string} */ message) => sendError(res, status, message, rawPath);

	const fault = state.takeFault(routeKey);
	if (fault && (await applyFault(fault, req, res, rawPath))) return;

	if (!route) return spring(404, 'Not Found');
	if (route.method !== req.method) return spring(405, 'Method Not Allowed');

	const tenant = state.tenant(alias);
	const isLogin = route.template === '/login';
	if (!tenant) {
		return isLogin ? spring(503, 'No service configuration available for this alias') : spring(401, 'Unauthorized');
	}
	if (tenant.apiActivated === false) return spring(402, 'The API has not been activated for the company');
	const used = (state.callCounts.get(alias) ?? 0) + 1;
	if (used > (tenant.callLimit ?? 100000)) return spring(402, 'The call-limit is exceeded');
	state.callCounts.set(alias, used);

	let session;
	if (!isLogin) {
		session = state.session(alias, req.headers.authorization);
		if (!session) return spring(401, 'Unauthorized: security token missing, expired or invalid');
	}

	let body;
	if (req.method === 'POST') {
		const text = await readBody(req);
		if (text) {
			try {
				body = JSON.parse(text);
			} catch {
				return spring(400, 'Malformed JSON body');
			}
		}
	}
	const match = /** @type {RegExpExecArray} */ (route.pattern.exec(subPath));
	const [status, payload] = route.handler({ state, tenant, session, req, query: url.searchParams, body, match });
	if (status >= 400) return spring(status, String(payload));
	if (payload === undefined) {
		res.writeHead(status, { 'Content-Length': 0 });
		return res.end();
	}
	return sendJson(res, status, payload);
}

/**
 * Creates a simulator. `listen(port, host)` resolves with its base URL
 * (`http://127.0.0.1:<port>/amparex/webaxapi`); with `tls` (key and certificate) it serves HTTPS.
 * @param {Config} config
 * @param {{ tls?: { key: string | Buffer, cert: string | Buffer } }} [options]
 */
function createSimulator(config, options = {}) {
	const state = new SimulatorState(config);
	/** @type {Set<import('node:net').Socket>} */
	const sockets = new Set();
	/** @type {http.RequestListener} */
	const listener = (req, res) => {
		handle(state, req, res).catch((error) => {
			if (!res.headersSent) sendError(res, 500, String(error?.message ?? error), req.url ?? '');
			else res.destroy();
		});
	};
	const server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
	const scheme = options.tls ? 'https' : 'http';
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	return {
		state,
		server,
		/** @returns {Promise<string>} */
		listen(port = 0, host = '127.0.0.1') {
			return new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, host, () => {
					const address = /** @type {import('node:net').AddressInfo} */ (server.address());
					resolve(`${scheme}://${host}:${address.port}${BASE_PATH}`);
				});
			});
		},
		/** @returns {Promise<void>} */
		close() {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

module.exports = { createSimulator };

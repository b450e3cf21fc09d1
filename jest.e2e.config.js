// End-to-end tests in real n8n installations (npm run test:e2e); slow, so apart from `npm test`.
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/e2e/**/*.e2e.js'],
	transform: {},
	testTimeout: 15 * 60 * 1000,
	maxWorkers: 1,
	// A suite whose setup failed halfway (say, n8n did not start) can leave a socket of a child
	// process open; the run must still end, so CI reports the failure instead of hanging.
	forceExit: true,
};

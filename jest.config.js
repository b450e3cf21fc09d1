// Tests are JavaScript (they use Node's own APIs, which n8n's lint rules forbid in .ts files);
// ts-jest compiles the TypeScript of nodes/ and credentials/ that they load.
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
	moduleFileExtensions: ['ts', 'js', 'json'],
	testTimeout: 30000,
};

// Asset step of `npm run build`: tsc compiles the TypeScript, this copies what n8n loads beside
// it (icons and the node's codex file) into dist/ with the same folder layout.
const { src, dest } = require('gulp');

function buildAssets() {
	return src(['icons/*.svg', 'nodes/**/*.{svg,png}', 'nodes/**/*.node.json', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
		allowEmpty: true,
	}).pipe(dest('dist'));
}

exports['build:assets'] = buildAssets;
exports.default = buildAssets;

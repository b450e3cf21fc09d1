// Removes dist/ so a build never ships files of deleted sources.
require('node:fs').rmSync(require('node:path').join(__dirname, '..', 'dist'), { recursive: true, force: true });

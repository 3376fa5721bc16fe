// Bundles the CLI that tsc compiled (dist/src/cli/bin.js) into dist/cli/: `npm run build` runs it after tsc.
//
// Why: Node resolves, reads and links every ES module file on its own, and the
// CLI's commands load 60 to 90 of them (ours, commander's, postgres.js'). On the
// machines we measure, that was a tenth of a no-op `up` and about 1,400 system
// calls; one file per command path loads in a fraction of that. Dynamic imports
// stay separate chunks, so `--version`, `lint` and `new` still never load the
// database drivers. The library (dist/src/index.js) is tsc's output as it is.
//
// libpg-query and PGlite stay outside: they load their WebAssembly and data files
// from beside their own modules.

import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { sqlmig: 'dist/src/cli/bin.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['libpg-query', '@electric-sql/pglite', '@electric-sql/pglite/*'],
  // commander is CommonJS: its require() of Node's modules needs a real require in an ES module.
  banner: { js: "import { createRequire as sqlmigCreateRequire } from 'node:module';\nconst require = sqlmigCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

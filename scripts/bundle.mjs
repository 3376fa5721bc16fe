// Bundles the CLI that tsc compiled into dist/cli/: `npm run build` runs it after tsc.
//
//   dist/cli/sqlmig.cjs  the executable (src/cli/launcher.ts): --version, V8 flags, then main.cjs
//   dist/cli/main.cjs    the whole CLI (src/cli/bin.ts and everything it imports), one file
//
// Why one CommonJS file: Node reads, resolves and links every ES module file on
// its own, asynchronously, and a command loaded 20 to 90 of them; a CommonJS
// file is read once, and only CommonJS can be run from V8's code cache on
// Node 20 (src/cli/compile-cache.ts). On the machines we measure, the two cut a
// no-op `up` by a fifth. Modules that commands import lazily stay lazy: the
// bundle evaluates them when first imported, and V8 compiles a function when
// first called, so `--version`, `lint` and `new` still never load a database
// driver. The library's ES module entry (dist/src/index.js) is tsc's output as
// it is; its CommonJS entry (dist/src/index.cjs, for `require('sqlmig')`) is the
// same source bundled as one CommonJS file, with every package left outside.
//
// libpg-query and PGlite stay outside: they load their WebAssembly and data
// files from beside their own modules.

import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Node modules that many runs never use, but whose importers load them at
 * once: commander's child_process (for external subcommands), postgres.js'
 * tls (for SSL) and crypto (password authentication), and our own crypto
 * (hashing files: a run whose checksums all come from the cache hashes
 * nothing). Each is replaced by a proxy that loads it on the first use of
 * one of its exports; a no-op `up` then compiles 30 fewer of Node's modules
 * (valgrind: 810 -> 755 million instructions on the main thread, with the
 * lock key hashed by the server). The proxy lists the module's export names
 * without loading it (taken here, at build time), because bundled ES module
 * interop copies them at import as getters, and answers `__esModule` itself.
 * fs/promises: only the commands that write files (`new`, `init`, `import`)
 * and the embedded database use it, but layout detection imports the
 * scaffolding every run (a no-op `up`: ~5 ms of its ~280).
 */
const LAZY_BUILTINS = ['child_process', 'crypto', 'tls', 'fs/promises'];
const require = createRequire(import.meta.url);
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    build.onResolve({ filter }, (args) =>
      // The proxy's own require() is of the real module.
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      loader: 'js',
      contents: `const names = ${JSON.stringify(Object.keys(require(`node:${args.path}`)))};
let loaded;
const load = () => (loaded ??= require('node:${args.path}'));
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? undefined : load()[key]),
  ownKeys: () => [...names],
  getOwnPropertyDescriptor: (_, key) => (names.includes(key) ? { configurable: true, enumerable: true, get: () => load()[key] } : undefined),
});`,
    }));
  },
};

const commonJs = {
  absWorkingDir: root,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Modules find files relative to themselves (package.json, the parsers' packages): in the bundle, that is the bundle.
  define: { 'import.meta.url': 'bundleUrl' },
  inject: ['scripts/bundle-url.mjs'],
  logLevel: 'warning',
  // Strings, regexes and names with their other characters escaped; comments are escaped by asciiOnly below.
  charset: 'ascii',
};

/**
 * An all-ASCII bundle is held by V8 as one byte per character; a single '…' in a comment makes the whole
 * source a two-byte string, twice the memory (no-op `up`: 59 -> 57 MiB peak) and slower to load. esbuild
 * keeps comments as written, so what it left is escaped here: inside a comment an escape is only text.
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

for (const [name, entry] of [
  ['main', 'dist/src/cli/bin.js'],
  ['sqlmig', 'dist/src/cli/launcher.js'],
]) {
  await build({
    ...commonJs,
    entryPoints: { [name]: entry },
    outdir: `${root}dist/cli`,
    external: ['libpg-query', '@electric-sql/pglite', '@electric-sql/pglite/*'],
    plugins: [lazyBuiltins],
  });
  asciiOnly(`${root}dist/cli/${name}.cjs`);
}

// esbuild keeps a dynamic import() of an outside package as import(): PGlite (an ES module) still loads only when used.
await build({
  ...commonJs,
  entryPoints: { index: 'dist/src/index.js' },
  outdir: `${root}dist/src`,
  packages: 'external',
});
asciiOnly(`${root}dist/src/index.cjs`);
// Its types are the ES module's: TypeScript lets a CommonJS declaration file re-export them.
writeFileSync(`${root}dist/src/index.d.cts`, "export * from './index.js';\n");

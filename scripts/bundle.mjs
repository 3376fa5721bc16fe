// Bundles the CLI that tsc compiled into dist/cli/: `npm run build` runs it after tsc.
//
//   dist/cli/sqlmig.cjs    the executable (src/cli/launcher.ts): --version, V8 flags, then main.cjs
//   dist/cli/main.cjs      the CLI (src/cli/bin.ts and what it imports) but for the analysis entries
//   dist/cli/analysis.cjs  parse, lint, dump and the commands built on them (ANALYSIS_ENTRIES below)
//
// Why CommonJS files: Node reads, resolves and links every ES module file on
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
import path from 'node:path';
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

/**
 * The CLI is two bundles: main.cjs (the program, configuration, discovery, the runner and the database
 * drivers) and analysis.cjs (the parser's glue, the schema model, lint and its rules, dump, verify, diff,
 * and the commands built on them). Every run compiles main.cjs; analysis.cjs only a run that imports one of
 * ANALYSIS_ENTRIES. Without the code cache (a first run) V8 compiles all it reads: a no-op `up` read and
 * compiled 1.09 MB, now 0.55 MB (~45 -> ~25 ms; the bench's line, paired rounds against the build before
 * issue 14: 1.05x -> 0.99x, and 0.98x with the cache). Each module is in one bundle only: analysis.cjs
 * takes the modules main.cjs has (errors, configuration, discovery, ...) from main.cjs, so there is one
 * of each class and each module's state. The seam is a dynamic import() of an entry: always async, and so
 * a bundle loaded at that moment changes nothing in the order modules run.
 */
const ANALYSIS_ENTRIES = [
  'dist/src/parse/index.js',
  'dist/src/lint/project.js',
  'dist/src/dump/dump.js',
  ...['lint', 'verify', 'dump', 'diff', 'import', 'new', 'explain', 'rules', 'validate'].map((command) => `dist/src/cli/commands/${command}.js`),
];
const external = ['libpg-query', '@electric-sql/pglite', '@electric-sql/pglite/*'];
const relative = (file) => path.relative(root, file).split(path.sep).join('/');

/** Resolves an import as esbuild would, for a plugin that decides by the resolved file. */
function resolver(build, self) {
  return async (args) => {
    if (args.pluginData === self) return undefined;
    const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: self });
    return resolved.external || resolved.errors.length > 0 || resolved.namespace !== 'file' ? undefined : resolved.path;
  };
}

/**
 * main.cjs: a dynamic import() of an analysis entry becomes a module that loads analysis.cjs (once) and
 * hands over `shared`, a lazy require() of each module analysis.cjs takes from main.cjs.
 */
function cutAtAnalysis(shared) {
  return {
    name: 'cut-at-analysis',
    setup(build) {
      const resolve = resolver(build, 'cut-at-analysis');
      build.onResolve({ filter: /^sqlmig:analysis$/ }, () => ({ path: 'analysis', namespace: 'sqlmig' }));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const file = await resolve(args);
        return file !== undefined && ANALYSIS_ENTRIES.includes(relative(file)) ? { path: relative(file), namespace: 'analysis-entry' } : undefined;
      });
      // An ES module with the entry's own export names: import() of a CommonJS module would give `default`
      // the whole module (Node's interop), where the command loaders want the module's default export.
      build.onLoad({ filter: /.*/, namespace: 'analysis-entry' }, (args) => {
        const names = exportNames.get(args.path);
        return {
          loader: 'js',
          contents: `const entry = require('sqlmig:analysis')(${JSON.stringify(args.path)});
${names.map((name, i) => `const e${i} = entry[${JSON.stringify(name)}];`).join('\n')}
export { ${names.map((name, i) => `e${i} as ${name}`).join(', ')} };`,
        };
      });
      build.onLoad({ filter: /.*/, namespace: 'sqlmig' }, () => ({
        loader: 'js',
        resolveDir: root,
        contents: `let entries;
module.exports = (entry) => {
  entries ??= require('./analysis.cjs').link({
${shared.map((file) => `    ${JSON.stringify(file)}: () => require(${JSON.stringify(`./${file}`)}),`).join('\n')}
  });
  return entries[entry]();
};`,
      }));
      // Beside main.cjs once built.
      build.onResolve({ filter: /^\.\/analysis\.cjs$/ }, (args) => (args.namespace === 'sqlmig' ? { path: './analysis.cjs', external: true } : undefined));
    },
  };
}

/** analysis.cjs: its entries, and each module main.cjs has taken from main.cjs (recorded in `shared`). */
function takeFromMain(mainModules, shared) {
  return {
    name: 'take-from-main',
    setup(build) {
      const resolve = resolver(build, 'take-from-main');
      build.onResolve({ filter: /^sqlmig:(entries|main)$/ }, (args) => ({ path: args.path.slice(7), namespace: 'sqlmig' }));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.namespace === 'sqlmig' && args.importer === 'entries') return undefined;
        const file = await resolve(args);
        // The injected bundle-url.mjs is each bundle's own: it names the file it is in.
        if (file === undefined || !mainModules.has(relative(file)) || relative(file) === 'scripts/bundle-url.mjs') return undefined;
        shared.add(relative(file));
        return { path: relative(file), namespace: 'from-main' };
      });
      build.onLoad({ filter: /.*/, namespace: 'from-main' }, (args) => ({
        loader: 'js',
        contents: `module.exports = require('sqlmig:main').take(${JSON.stringify(args.path)});`,
      }));
      build.onLoad({ filter: /^main$/, namespace: 'sqlmig' }, () => ({
        loader: 'js',
        contents: `let main;
exports.link = (modules) => { main = modules; };
exports.take = (file) => main[file]();`,
      }));
      build.onLoad({ filter: /^entries$/, namespace: 'sqlmig' }, () => ({
        loader: 'js',
        resolveDir: root,
        contents: `exports.link = (main) => {
  require('sqlmig:main').link(main);
  return {
${ANALYSIS_ENTRIES.map((file) => `    ${JSON.stringify(file)}: () => require(${JSON.stringify(`./${file}`)}),`).join('\n')}
  };
};`,
      }));
    },
  };
}

/** Each analysis entry's export names (from esbuild, which reads them without running anything). */
const exportNames = new Map(
  Object.values((await build({ absWorkingDir: root, entryPoints: ANALYSIS_ENTRIES, outdir: 'names', write: false, metafile: true, logLevel: 'warning' })).metafile.outputs)
    .filter((output) => output.entryPoint)
    .map((output) => [output.entryPoint, output.exports]),
);
const cliOptions = { ...commonJs, outdir: `${root}dist/cli`, external, metafile: true };
const mainBuild = (shared) => build({ ...cliOptions, entryPoints: { main: 'dist/src/cli/bin.js' }, plugins: [lazyBuiltins, cutAtAnalysis(shared)] });
// main.cjs first, to learn its modules; analysis.cjs, to learn which of them it takes; main.cjs again, to hand them over.
const modulesOf = (result) => new Set(Object.keys(Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.inputs ?? {}));
const mainModules = modulesOf(await mainBuild([]));
const shared = new Set();
await build({ ...cliOptions, entryPoints: { analysis: 'sqlmig:entries' }, plugins: [lazyBuiltins, takeFromMain(mainModules, shared)] });
const finalMain = modulesOf(await mainBuild([...shared].sort()));
const inMain = ANALYSIS_ENTRIES.filter((entry) => finalMain.has(entry));
// An entry some module imports statically would be in main.cjs (and work), but every run would compile it again.
if (inMain.length > 0) throw new Error(`imported statically, so bundled into main.cjs: ${inMain.join(', ')}`);
await build({ ...cliOptions, entryPoints: { sqlmig: 'dist/src/cli/launcher.js' }, plugins: [lazyBuiltins] });
for (const name of ['main', 'analysis', 'sqlmig']) asciiOnly(`${root}dist/cli/${name}.cjs`);

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

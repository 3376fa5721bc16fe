/**
 * Runs the CLI's CommonJS bundle as `require()` would, but with V8's code
 * cache: the bytecode of every function a command ran, saved at the end of
 * its first run and handed back to V8 on the next. A run then neither parses
 * the bundle nor compiles those functions again. Node 22 offers the same as
 * `module.enableCompileCache()`; Node 20 has only `vm.Script`'s `cachedData`.
 *
 * The cache lives in the user's cache folder (`$XDG_CACHE_HOME/sqlmig`, else
 * `~/.cache/sqlmig`), never in the install: an installed package must not
 * change under node_modules, and may not be writable at all. One folder per
 * install (named by a hash of the bundle's path), one file per command, Node
 * version and bundle build. Where no cache folder can be written, every run
 * compiles, as plain `require()` does. V8 checks its version, its flags and
 * the source's length before it uses cached data, and compiles from source
 * when they differ; the bundle's mtime in the file name covers an edit that
 * keeps the length.
 *
 * A cache holds only what the run that wrote it compiled, so a help run
 * (`sqlmig lint --help`, often a user's first) writes none: its cache would
 * leave every later lint compiling the engine, the rules and the parser glue
 * from source (LemmyNet with a middle file edited: 1.10x the time).
 */
import type { Stats } from 'node:fs';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script, constants } from 'node:vm';
import { userCacheFolder } from '../user-cache.js';

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** As Node's own CommonJS loader wraps a file; no newline, so lines in stack traces stay the bundle's. */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_END = '\n})';

/**
 * Runs `bundle` (a CommonJS file) with the cache named `cacheName`; without a
 * name, or on a Node that cannot give a `vm.Script` dynamic `import()`, it is
 * simply required. `write: false` uses the cache but never writes it.
 */
export function requireWithCodeCache(bundle: string, cacheName: string | undefined, { write = true } = {}): unknown {
  // Optional before Node 20.12 (import() inside the bundle needs it: PGlite is an ES module).
  const mainContextLoader = (constants as Partial<typeof constants> | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (cacheName === undefined || mainContextLoader === undefined) return createRequire(bundle)(bundle);
  const source = readFileSync(bundle, 'utf8');
  // One cache per command and bundle: `up-main-…`, `lint-analysis-…`.
  const name = `${cacheName}-${basename(bundle, '.cjs')}`;
  const cacheFile = join(cacheFolder(bundle), cacheFileName(name, statSync(bundle)));
  const cachedData = readIfPresent(cacheFile);
  const script = new Script(WRAPPER_START + source + WRAPPER_END, {
    filename: bundle,
    cachedData,
    importModuleDynamically: mainContextLoader,
  });
  if (write && (cachedData === undefined || script.cachedDataRejected === true)) {
    // Saved at the end, when it holds every function the run compiled. A usage error (exit 2) ran little.
    process.once('exit', (code) => {
      if (code === 0 || code === 1) replaceCache(cacheFile, name, script.createCachedData());
    });
  }
  const module = { exports: {} };
  const nodeRequire = createRequire(bundle);
  // The CLI's other bundle (analysis.cjs, which main.cjs requires on first use) comes from the cache too.
  const requireBundle = Object.assign(
    (id: string) => (/^\.\/\w+\.cjs$/.test(id) ? requireWithCodeCache(join(dirname(bundle), id), cacheName, { write }) : nodeRequire(id)),
    nodeRequire,
  );
  (script.runInThisContext() as CommonJsWrapper)(module.exports, requireBundle, module, bundle, dirname(bundle));
  return module.exports;
}

/** This install's folder in the user's cache. */
function cacheFolder(bundle: string): string {
  return join(userCacheFolder(), 'compile-cache', fnv1a(dirname(bundle)));
}

/** A short, stable name for a path (FNV-1a, 32 bits): node:crypto would cost every run its loading. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

function cacheFileName(cacheName: string, bundleStats: Pick<Stats, 'size' | 'mtimeMs'>): string {
  return `${cacheName}-${process.version}-${process.arch}-${bundleStats.size}-${Math.trunc(bundleStats.mtimeMs)}.v8`;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes `file` (atomically: aside, then renamed) and removes the command's
 * caches for other Node versions or builds. Best effort: a cache that cannot
 * be written only means compiling again next time. Not migrations'
 * writeCacheFile: the launcher would then bundle the migration modules it
 * imports, and every command would load them before anything else.
 */
function replaceCache(file: string, cacheName: string, data: Buffer): void {
  const folder = dirname(file);
  const aside = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(aside, data);
    renameSync(aside, file);
    for (const name of readdirSync(folder)) {
      if (name.startsWith(`${cacheName}-`) && name.endsWith('.v8') && join(folder, name) !== file) rmSync(join(folder, name), { force: true });
    }
  } catch {
    try {
      rmSync(aside, { force: true });
    } catch {
      // nothing more to do: it was only a cache
    }
  }
}

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pgliteDist } from './pglite-dist.js';
import { untar, type TarFile } from './pglite-tar.js';

/**
 * Contrib extensions for PGlite, installed on demand. PGlite ships each
 * contrib extension as a bundle (`<name>.tar.gz` beside its own files) and
 * normally unpacks the ones named in `new PGlite({ extensions })` before the
 * server starts. Migrations name their extensions only in SQL, so instead the
 * session unpacks a bundle into the running instance's file system just before
 * a statement that creates (or updates) it: the control file and SQL scripts
 * are read, and the `.so` loaded, only when PostgreSQL needs them.
 */

/** The parts of the Emscripten file system this needs. */
export interface ExtensionFileSystem {
  mkdirTree(path: string): void;
  writeFile(path: string, data: Uint8Array): void;
}

const BUNDLE_SUFFIX = '.tar.gz';

/** Bundles read so far, by file name: one read per process. */
const bundles = new Map<string, Promise<TarFile[]>>();
/** Extension name → bundle file, for bundles that hold several extensions (spi: autoinc, moddatetime…). */
let index: Promise<Map<string, string>> | undefined;

export class ExtensionInstaller {
  private readonly installed = new Set<string>();

  constructor(
    private readonly fs: ExtensionFileSystem,
    /** Where PGlite's tree (`share/postgresql`, `lib/postgresql`) is mounted in its file system. */
    private readonly root: string,
  ) {}

  /** Installs every shipped extension that `sql` creates or updates. Unknown names are left to PostgreSQL's own error. */
  async prepareFor(sql: string): Promise<void> {
    for (const name of extensionsNamedIn(sql)) await this.install(name);
  }

  /** Installs the extension's files and those of the extensions it requires; false when PGlite does not ship it. */
  async install(name: string): Promise<boolean> {
    if (this.installed.has(name)) return true;
    const bundle = await bundleOf(name);
    if (bundle === undefined) return false;
    const files = await readBundle(bundle);
    for (const file of files) {
      const path = `${this.root}/${file.path}`;
      this.fs.mkdirTree(path.slice(0, path.lastIndexOf('/')));
      this.fs.writeFile(path, file.data);
    }
    this.installed.add(name);
    for (const required of requiredBy(name, files)) await this.install(required);
    return true;
  }
}

/** Names of the extensions PGlite ships, sorted. */
export async function shippedExtensions(): Promise<string[]> {
  return [...(await extensionIndex()).keys()].sort();
}

/** `CREATE EXTENSION [IF NOT EXISTS] name` and `ALTER EXTENSION name`, in any case, quoted or not. */
const EXTENSION_STATEMENT = /\b(?:create\s+extension(?:\s+if\s+not\s+exists)?|alter\s+extension)\s+("(?:[^"]|"")+"|[\p{L}_][\p{L}\p{N}_$]*)/giu;

export function extensionsNamedIn(sql: string): string[] {
  const names = new Set<string>();
  for (const match of sql.matchAll(EXTENSION_STATEMENT)) {
    const word = match[1]!;
    names.add(word.startsWith('"') ? word.slice(1, -1).replace(/""/g, '"') : word.toLowerCase());
  }
  return [...names];
}

async function bundleOf(name: string): Promise<string | undefined> {
  // Most bundles are named after their extension; the index (every bundle read) is built only for the others.
  const direct = `${name}${BUNDLE_SUFFIX}`;
  if ((await bundleFiles()).includes(direct)) return direct;
  return (await extensionIndex()).get(name);
}

function extensionIndex(): Promise<Map<string, string>> {
  index ??= (async () => {
    const byName = new Map<string, string>();
    for (const bundle of await bundleFiles()) {
      for (const file of await readBundle(bundle)) {
        const control = /^share\/postgresql\/extension\/([^/]+)\.control$/.exec(file.path);
        if (control) byName.set(control[1]!, bundle);
      }
    }
    return byName;
  })();
  return index;
}

let listing: Promise<string[]> | undefined;

function bundleFiles(): Promise<string[]> {
  listing ??= readdir(pgliteDist).then((names) => names.filter((name) => name.endsWith(BUNDLE_SUFFIX)));
  return listing;
}

function readBundle(bundle: string): Promise<TarFile[]> {
  let files = bundles.get(bundle);
  if (!files) {
    files = readFile(join(pgliteDist, bundle)).then((gzipped) => untar(gunzipSync(gzipped)));
    bundles.set(bundle, files);
  }
  return files;
}

/** The `requires = 'a, b'` line of the extension's control file. */
function requiredBy(name: string, files: readonly TarFile[]): string[] {
  const control = files.find((file) => file.path === `share/postgresql/extension/${name}.control`);
  if (!control) return [];
  const requires = /^\s*requires\s*=\s*'([^']*)'/m.exec(Buffer.from(control.data).toString('utf8'));
  return requires ? requires[1]!.split(',').map((part) => part.trim()).filter(Boolean) : [];
}

/**
 * Checksums of migration files kept between runs in
 * `<project root>/.sqlmig/cache/checksums.json`, so that a run where little
 * changed reads only the files that did (`lint`, a no-op `up`). As git's
 * index and ESLint's metadata cache do, an entry is reused only while the
 * file's inode, size, mtime and ctime are all as recorded: every write to a
 * file sets its ctime to the current time, and no program can set it back.
 *
 * The stats recorded are taken from the open file before its bytes are read,
 * so a write between the two leaves a newer ctime than the one recorded. An entry younger than FRESH_MS when
 * saved is not kept: a second write within the file system's timestamp
 * granularity could leave all four unchanged (git's "racily clean" files).
 */
import { isAscii } from 'node:buffer';
import type { Stats } from 'node:fs';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMigrationSources, readMigrationSourcesWithStats, type KnownChecksum } from './source.js';
import { migrationFiles } from './discover.js';
import type { MigrationFile, MigrationSet, MigrationSource } from './types.js';

/** What is known of a file without reading it; a MigrationSource is one. */
export interface FileDigest {
  file: MigrationFile;
  /** sha256 hex of the bytes, CRLF read as LF (source.ts fileChecksum). */
  checksum: string;
  validUtf8: boolean;
  /** Bytes, as recorded with the checksum or read. */
  size: number;
}

/** Changes when the file's layout or the checksum's definition changes (2: CRLF normalised). */
const FORMAT = 2;
const FILE_NAME = 'checksums.json';
/** Covers the coarsest common timestamps (FAT's 2 s) with a margin. */
const FRESH_MS = 3000;

/** [inode, size, mtimeMs, ctimeMs, checksum, validUtf8 (1/0)], by file name. */
type Entry = [number, number, number, number, string, number];

interface Stored {
  format: number;
  dir: string;
  files: Record<string, Entry>;
}

/** The entries of one migrations folder: those of files still in it are kept, whichever command looked them up. */
class ChecksumCache {
  private readonly next: Record<string, Entry> = Object.create(null) as Record<string, Entry>;
  private changed = false;

  private constructor(
    private readonly cacheDir: string,
    /** The migrations folder the entries belong to (file names are its children). */
    private readonly dir: string,
    private readonly stored: Record<string, Entry>,
    fileNames: ReadonlySet<string>,
  ) {
    for (const [name, entry] of Object.entries(stored)) {
      if (fileNames.has(name)) this.next[name] = entry;
      else this.changed = true;
    }
  }

  /** The cache of `set`'s folder in `cacheDir`; empty when missing, unreadable or for another folder. */
  static open(cacheDir: string, set: MigrationSet): ChecksumCache {
    let stored: Partial<Stored> | undefined;
    try {
      stored = JSON.parse(readCacheFile(join(cacheDir, FILE_NAME))) as Partial<Stored>;
    } catch {
      stored = undefined;
    }
    const files = stored?.format === FORMAT && stored.dir === set.dir && typeof stored.files === 'object' ? stored.files : null;
    const fileNames = new Set(migrationFiles(set).map((file) => file.fileName));
    return new ChecksumCache(cacheDir, set.dir, files ?? (Object.create(null) as Record<string, Entry>), fileNames);
  }

  /** The recorded digest while the file is provably unchanged; otherwise undefined (read the file, then `remember` it). */
  lookup(file: MigrationFile): FileDigest | undefined {
    const entry = this.stored[file.fileName];
    let stats: Stats | undefined;
    try {
      // Without an entry there is nothing to compare: the read takes the stats (a first run stats no file twice).
      stats = entry ? statSync(file.path) : undefined;
    } catch {
      stats = undefined; // reading it reports the problem
    }
    if (entry && stats && unchanged(entry, stats)) return { file, checksum: entry[4], validUtf8: entry[5] === 1, size: entry[1] };
    delete this.next[file.fileName];
    this.changed = true;
    return undefined;
  }

  /** The recorded checksum of a file read after its `lookup` found it unchanged, while the stats of the open file still match. */
  readonly known: KnownChecksum = (file, stats) => {
    const entry = this.next[file.fileName];
    return entry && unchanged(entry, stats) ? entry[4] : undefined;
  };

  /** Records a file read after its `lookup`, with the stats of the open file taken before its bytes were read. */
  remember(source: MigrationSource, stats: Stats): void {
    if (Date.now() - Math.max(stats.mtimeMs, stats.ctimeMs) < FRESH_MS) return;
    this.next[source.file.fileName] = [stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs, source.checksum, source.validUtf8 ? 1 : 0];
  }

  /** Writes the entries when something changed (best effort: a read-only checkout only means reading again next time). */
  save(): void {
    if (!this.changed) return;
    const stored: Stored = { format: FORMAT, dir: this.dir, files: this.next };
    writeCacheFile(this.cacheDir, FILE_NAME, JSON.stringify(stored));
  }
}

/** As git decides that a file is unchanged: the same inode, size, mtime and ctime. */
function unchanged(entry: Entry, stats: Stats): boolean {
  return entry[0] === stats.ino && entry[1] === stats.size && entry[2] === stats.mtimeMs && entry[3] === stats.ctimeMs;
}

/**
 * The files read so far, by path. A file read later whose checksum the cache
 * holds, and which is provably unchanged since, is not hashed again: a lint
 * of a large folder after one edit reads every file for the walk, and hashing
 * the 10,000 files of the benchmark's set cost ~60 ms of it.
 */
export class SourcesRead extends Map<string, MigrationSource> {
  constructor(readonly known?: KnownChecksum) {
    super();
  }
}

/**
 * Each of `files` (of `set`) with its digest: from `<cacheDir>/checksums.json`
 * where the file is provably unchanged, otherwise by reading it (and recording
 * it there). Without `cacheDir` every file is read. The sources read are
 * returned too, by path, so that nothing is read twice.
 */
export function digestFiles(
  set: MigrationSet,
  files: readonly MigrationFile[],
  cacheDir: string | undefined,
): { digests: FileDigest[]; read: SourcesRead } {
  const cache = cacheDir === undefined ? undefined : ChecksumCache.open(cacheDir, set);
  const reused = files.map((file) => cache?.lookup(file));
  const toRead = files.filter((_, index) => reused[index] === undefined);
  const read = new SourcesRead(cache?.known);
  for (const { source, stats } of readMigrationSourcesWithStats(toRead)) {
    cache?.remember(source, stats);
    read.set(source.file.path, source);
  }
  cache?.save();
  return { digests: files.map((file, index) => reused[index] ?? read.get(file.path)!), read };
}

/** The sources of `files`, reading those not in `read` yet (and adding them to it). */
export function readSourcesOnce(files: readonly MigrationFile[], read: SourcesRead): MigrationSource[] {
  for (const source of readMigrationSources(files.filter((file) => !read.has(file.path)), read.known)) read.set(source.file.path, source);
  return files.map((file) => read.get(file.path)!);
}

/**
 * Cache files are written and read ASCII only. They hold JSON, or lines of a key
 * and JSON: a character outside ASCII can only be inside a string, where its
 * `\uXXXX` escape reads back the same. With one such character (a finding's `…`,
 * a Cyrillic comment) Node decodes the whole file as UTF-8 into two bytes per
 * character; an ASCII file is read as Latin-1, a plain copy. LemmyNet's 4.8 MB
 * parse cache, fresh process: 70-85 ms to read with its 1,024 such characters,
 * 52 ms escaped, 34 ms read as Latin-1 (2 cores, Node 20). A lint after its
 * middle migration was edited reads it, the findings log and the result.
 */
function asciiBytes(text: string): Buffer {
  // Equal lengths only for ASCII: any other character takes more UTF-8 bytes than UTF-16 units. Counted, not
  // encoded: LemmyNet's 1.8 MB of findings hold 157 `…`, and encoding them to compare lengths, then encoding the
  // escaped text again cost ~10 ms more than counting (fresh process, 2 cores, Node 20). Escaped text is ASCII,
  // which Latin-1 copies a byte per character.
  if (Buffer.byteLength(text) === text.length) return Buffer.from(text, 'latin1');
  return Buffer.from(text.replace(NON_ASCII, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`), 'latin1');
}
const NON_ASCII = /[^\x00-\x7f]/g;

/** A cache file's text (see asciiBytes); one an earlier build wrote may hold UTF-8. Throws as readFileSync does. */
export function readCacheFile(file: string): string {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** Appends to a cache file (see asciiBytes); throws when it cannot. */
export function appendCacheFile(file: string, text: string): void {
  appendFileSync(file, asciiBytes(text), { mode: 0o600 });
}

/** Replaces `<dir>/<name>` atomically (written aside, then renamed); best effort. */
export function writeCacheFile(dir: string, name: string, content: string): void {
  const file = openCacheFile(dir, name);
  file.write(content);
  file.commit();
}

/** A cache file being written aside: `commit` renames it over `<dir>/<name>`. Best effort: a failure only drops it. */
export interface CacheFileWriter {
  write(text: string): void;
  commit(): void;
  abort(): void;
}

/** Text is encoded into a buffer of this many bytes, written out when full: a large file is never held whole. */
const WRITE_CHUNK = 1 << 20;

export function openCacheFile(dir: string, name: string): CacheFileWriter {
  const file = join(dir, name);
  const aside = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  let fd: number | undefined;
  let chunk: Buffer | undefined;
  let used = 0;
  try {
    // Owner only, as the embedded database beside it: the cache holds the project's SQL.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Keeps the cache out of git even where .sqlmig/ is not ignored.
    writeFileSync(join(dir, '.gitignore'), '*\n', { mode: 0o600 });
    fd = openSync(aside, 'w', 0o600);
  } catch {
    fd = undefined;
  }
  // writeFileSync on a descriptor writes all of it, at the current position.
  const flush = (): void => {
    if (fd !== undefined && chunk !== undefined && used > 0) writeFileSync(fd, chunk.subarray(0, used));
    used = 0;
  };
  /**
   * Encodes `text` straight into the chunk: no joined copy of the pieces, no buffer per piece (a cold
   * lint of the synthetic 10,000 files writes 19 MB of parse cache). The UTF-8 encoder counts the bytes:
   * as many as characters only for ASCII (see asciiBytes), else the piece is written escaped instead.
   */
  const append = (text: string): void => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: room for that first, so that the encoder never cuts a piece
    // (a piece cut short could count as many bytes as characters without being ASCII). A larger piece goes apart.
    if (text.length * 3 <= WRITE_CHUNK) {
      chunk ??= Buffer.allocUnsafe(WRITE_CHUNK);
      if (used + text.length * 3 > WRITE_CHUNK) flush();
      const written = chunk.write(text, used);
      if (written === text.length) {
        used += written;
        return;
      }
    }
    flush();
    writeFileSync(fd!, asciiBytes(text));
  };
  /** Never throws: it runs when something else already failed. */
  const abort = (): void => {
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // closed already (the failure was the rename)
    }
    fd = undefined;
    try {
      rmSync(aside, { force: true });
    } catch {
      // a file left aside is only clutter in the cache folder
    }
  };
  const attempt = (step: () => void): void => {
    try {
      step();
    } catch {
      abort();
    }
  };
  return {
    write(text) {
      if (fd !== undefined) attempt(() => append(text));
    },
    commit() {
      attempt(() => {
        if (fd === undefined) return;
        flush();
        closeSync(fd);
        renameSync(aside, file);
        fd = undefined;
      });
    },
    abort,
  };
}

/**
 * The lint cache in `<project root>/.sqlmig/cache` (`sqlmig lint --no-cache`
 * bypasses it). Two files, each replaced atomically (written aside, then
 * renamed), both ignored when unreadable or written by another version:
 *
 * - `parsed.jsonl`: parse results by the sha256 of the file's content, one
 *   per line, under a header naming the sqlmig and parser versions (and the
 *   build's time). A file
 *   whose content is new is parsed; an entry that does not read back is
 *   parsed again. Entries no file uses any more are dropped.
 * - `result.json`: the last result, keyed by the sha256 of everything the
 *   result depends on (every file's path and content hash, the config,
 *   sqlmig.sum, the versions). When nothing changed, lint returns it without
 *   parsing or running a rule, or even loading the engine, and reads only
 *   the files with findings (for code frames).
 *
 * File content hashes come from checksums.json (src/migrations/checksum-cache.ts)
 * where a file is provably unchanged, so a run where nothing changed reads no migration.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../package-version.js';
import { appendCacheFile, openCacheFile, readCacheFile, writeCacheFile, type CacheFileWriter, type FileDigest } from '../migrations/checksum-cache.js';
import { hasDirectives, NO_DIRECTIVES } from '../migrations/directives.js';
import type { Directives, MigrationFile, MigrationSource } from '../migrations/types.js';
import { PARSED_SQL_VERSION } from '../parse/version.js';
import type { ParsedSql } from '../parse/types.js';
import { lintResultOf, type Diagnostic, type LintResult } from './diagnostic.js';
import type { CachedParse, LintInput, LintSource, ParseCache } from './engine.js';
import type { Rule } from './rule.js';
import { CheckpointStore } from './checkpoint-store.js';

/**
 * Changes when the files' layout changes (2: parsed.jsonl entries carry the file's size, length and
 * directives; 3: the directives only of a file that has some).
 */
const CACHE_FORMAT = 3;
const PARSED_FILE = 'parsed.jsonl';
const RESULT_FILE = 'result.json';
const CHECKPOINTS_DIR = 'checkpoints';
const CHECKSUM_LENGTH = 64;

/** Whether `cacheDir` holds a last result at all (one that may match: the parser is then perhaps not needed). */
export function hasStoredResult(cacheDir: string): boolean {
  return existsSync(join(cacheDir, RESULT_FILE));
}

/** What the cache lints: every file's digest, and its source only when it must be read. */
export interface CachedLintInput extends Omit<LintInput, 'sources' | 'parseCache' | 'rules'> {
  /** A library caller's own rules; absent: the built-in registry, which the result key covers. */
  rules?: readonly Rule[];
  /** Loads the built-in registry, only when something must be linted. */
  builtinRules(): Promise<readonly Rule[]>;
  digests: readonly FileDigest[];
  /** The sources of `files` (default: every file), each read at most once. */
  sources(files?: readonly MigrationFile[]): MigrationSource[];
  /** Whether a cached result needs the texts of the files with findings (for code frames). */
  withSources: boolean;
}

export class LintCache {
  private readonly header = JSON.stringify({
    format: CACHE_FORMAT,
    sqlmig: packageVersion(),
    parser: PARSED_SQL_VERSION,
    // When this build was written: a rebuilt sqlmig with rules changed but the version not yet bumped
    // (development) must not reuse results either. An installed package keeps its files' time.
    build: statSync(fileURLToPath(import.meta.url)).mtimeMs,
  });

  /** `dir`: the cache folder, `<project root>/.sqlmig/cache`. */
  constructor(private readonly dir: string) {}

  /** What lintSequence(input) returns, from the cache where the same input was linted before. */
  async lint(input: CachedLintInput): Promise<LintResult> {
    // Custom rules (library callers) are code the key cannot cover: only parse results are reused then.
    const key = input.rules === undefined ? this.resultKey(input) : undefined;
    const cached = key === undefined ? undefined : await this.readResult(key, input);
    if (cached) return cached;

    const parsed = this.readParsed(new Set(input.digests.map((digest) => digest.checksum)));
    const { lintSequence } = await import('./engine.js');
    const { digests, sources, withSources, builtinRules, ...rest } = input;
    // Checkpoints hold rule state, which custom rules' code (not covered by any key) may shape differently.
    // A first lint into an empty cache writes none: a cache that is never read again (CI, a fresh clone)
    // would pay for them for nothing (cold lint of LemmyNet: 1.19x the time without them, with their
    // findings log). The second lint that must walk (one with an edit) writes them.
    const store =
      key === undefined || !hasStoredResult(this.dir) ? undefined : new CheckpointStore(join(this.dir, CHECKPOINTS_DIR), this.walkKey(input), digests);
    const point = store?.resumePoint();
    const behindFindings = point && store!.findingsBehind(point.position);
    const resume = behindFindings && point && { ...point, findings: behindFindings };
    let result: LintResult;
    try {
      result = await lintSequence({
        ...rest,
        rules: rest.rules ?? (await builtinRules()),
        sources: lintSources(resume ? store!.files.slice(resume.position) : digests.map((digest) => digest.file), input),
        parseCache: parsed,
        checkpoints: store && {
          resume: resume && { ...resume, source: (file) => sources([file])[0]!, all: () => lintSources(digests.map((digest) => digest.file), input) },
          started: (position) => store.started(position),
          wanted: (position) => store.wanted(position),
          record: (position, findings) => store.record(position, findings),
          save: (position, text) => store.save(position, text),
        },
      });
    } catch (error) {
      parsed.abort();
      throw error;
    }
    // Best effort: a cache that cannot be written (a read-only checkout) only means parsing again next time.
    parsed.save();
    store?.prune();
    if (key !== undefined) writeCacheFile(this.dir, RESULT_FILE, serializeResult(key, result));
    return withSources ? withTexts(result, input) : result;
  }

  /** What the walk depends on besides the files: a checkpoint's key chains the files onto it. */
  private walkKey(input: CachedLintInput): string {
    const { config, schemaName, configFile } = input;
    return createHash('sha256').update(JSON.stringify({ header: this.header, config, schemaName: schemaName ?? null, configFile: configFile ?? null })).digest('hex');
  }

  private resultKey(input: CachedLintInput): string {
    const { digests, config, reportOn, schemaName, configFile, fileProblems, sum, schemaDump } = input;
    const parts = {
      header: this.header,
      files: digests.map((digest) => [digest.file.path, digest.checksum, digest.validUtf8]),
      config,
      reportOn: reportOn ? [...reportOn].sort() : null,
      schemaName: schemaName ?? null,
      configFile: configFile ?? null,
      fileProblems: fileProblems ?? [],
      // entries is a Map, which JSON.stringify would write as {}: its lines locate findings on sqlmig.sum.
      sum: sum?.found ? { ...sum, entries: [...sum.entries] } : (sum ?? null),
      schemaDump: schemaDump ?? null,
    };
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  private async readResult(key: string, input: CachedLintInput): Promise<LintResult | undefined> {
    const stored = readResultFile(join(this.dir, RESULT_FILE), key);
    if (stored?.key !== key || !Array.isArray(stored.diagnostics)) return undefined;
    const { reportOn } = input;
    const reported = input.digests.filter((digest) => !reportOn || reportOn.has(digest.file.path)).map((digest) => digest.file);
    const withFindings = new Set(stored.diagnostics.map((diagnostic) => diagnostic.file));
    const read = input.withSources ? input.sources(reported.filter((file) => withFindings.has(file.path))) : [];
    const texts = new Map(read.map((source) => [source.file.path, source.text]));
    return lintResultOf(
      stored.diagnostics,
      reported.map((file) => ({ path: file.path, text: texts.get(file.path) })),
    );
  }

  /** `live`: the content hashes of the files now; their entries are kept even when this run does not use them (a resumed walk). */
  private readParsed(live: ReadonlySet<string>): ParsedPack {
    return new ParsedPack(
      () => this.readParsedEntries(),
      live,
      () => this.openParsed(),
      (lines) => this.appendParsed(lines),
    );
  }

  /** The entries by checksum (the last line of a checksum wins), and how many lines were read. */
  private readParsedEntries(): StoredEntries {
    const entries = new Map<string, string>();
    let text: string;
    try {
      text = readCacheFile(join(this.dir, PARSED_FILE));
    } catch {
      return { entries, lines: 0 };
    }
    const lines = text.split('\n');
    let count = 0;
    if (lines[0] === this.header) {
      for (const line of lines.slice(1)) {
        if (line.charAt(CHECKSUM_LENGTH) !== ' ') continue;
        entries.set(line.slice(0, CHECKSUM_LENGTH), line);
        count++;
      }
    }
    return { entries, lines: count };
  }

  /** Adds entries without reading the file; a later run that reads it drops what no file uses. */
  private appendParsed(lines: readonly string[]): void {
    const file = join(this.dir, PARSED_FILE);
    try {
      // Under another header they would be ignored with the rest: the file is then replaced.
      if (startsWith(file, `${this.header}\n`)) {
        appendCacheFile(file, `${lines.join('\n')}\n`);
        return;
      }
    } catch {
      // no file yet
    }
    writeCacheFile(this.dir, PARSED_FILE, `${this.header}\n${lines.join('\n')}\n`);
  }

  private openParsed(): CacheFileWriter {
    const file = openCacheFile(this.dir, PARSED_FILE);
    file.write(`${this.header}\n`);
    return file;
  }
}

/**
 * Parse results by content hash: the lines read from parsed.jsonl, and what
 * this run parsed. New entries are appended to parsed.jsonl, which is
 * rewritten only when more than a quarter of its lines are stale (no current
 * file's, nor used by this run) or repeated: a lint after one edit in a large
 * folder writes one line, not the whole file (the benchmark's 10,000 files:
 * 18 MB). A run that makes more than APPEND_AT_MOST characters of entries (a
 * first run) writes them out as they are made, into the file that replaces
 * parsed.jsonl: held until the end, megabytes of text would be copied again
 * and again by the garbage collector.
 */
class ParsedPack implements ParseCache {
  /** Stored lines that this run used: they are kept. */
  private readonly reused = new Map<string, string>();
  /** Checksums of the entries made this run. */
  private readonly written = new Set<string>();
  /** The replacement of parsed.jsonl, once this run is sure to rewrite it. */
  private file: CacheFileWriter | undefined;
  /** parsed.jsonl's entries, read on the first `get`: a resumed walk that parses its few files never reads them. */
  private entries: StoredEntries | undefined;
  /** Entries made and not yet written (while no replacement is open): appended at the end. */
  private pending: string[] = [];
  private pendingLength = 0;
  /** A stored entry could not be read (a torn write, another build's): the file is rewritten without it. */
  private corrupt = false;

  constructor(
    private readonly read: () => StoredEntries,
    private readonly live: ReadonlySet<string>,
    private readonly open: () => CacheFileWriter,
    private readonly append: (lines: readonly string[]) => void,
  ) {}

  private get stored(): Map<string, string> {
    this.entries ??= this.read();
    return this.entries.entries;
  }

  has(checksum: string): boolean {
    return this.stored.has(checksum);
  }

  get(checksum: string): CachedParse | undefined {
    const line = this.stored.get(checksum);
    if (line === undefined) return undefined;
    const cached = parseEntry(line);
    if (cached) this.reused.set(checksum, line);
    else this.corrupt = true;
    return cached;
  }

  set(checksum: string, source: MigrationSource, parsed: ParsedSql): void {
    // Files with the same content are parsed once each, and written once.
    if (this.written.has(checksum)) return;
    this.written.add(checksum);
    // Serialised now, before rules see the statements; written out as CachedParse, without building one.
    const keyedByText = checksum === source.checksum ? '' : '"keyedByText":true,';
    // Most files have no directive: their entry leaves them out (synthetic 10,000 files: 10,000 objects and 20,000 arrays fewer to write).
    const directives = hasDirectives(source.directives) ? `"directives":${JSON.stringify(source.directives)},` : '';
    const head = `${checksum} {"size":${source.size},${keyedByText}"length":${source.text.length},${directives}"parsed":`;
    const json = JSON.stringify(parsed);
    if (this.file) {
      // In pieces: the writer encodes each as it is, where a line made of them would be copied whole first.
      this.file.write(head);
      this.file.write(json);
      this.file.write('}\n');
      return;
    }
    const line = `${head}${json}}`;
    this.pending.push(line);
    this.pendingLength += line.length;
    if (this.pendingLength > APPEND_AT_MOST) this.replacement();
  }

  /** Appends what this run parsed, or replaces parsed.jsonl with it and the stored entries still in use. */
  save(): void {
    // Without reading the file there is nothing to drop (droppable() is 0): a later run that reads it does.
    if (!this.file && !this.corrupt && this.droppable() * 4 <= (this.entries?.lines ?? 0)) {
      if (this.pending.length > 0) this.append(this.pending);
      return;
    }
    const file = this.replacement();
    for (const [checksum, line] of this.stored) if (this.isKept(checksum) && !this.written.has(checksum)) file.write(`${line}\n`);
    file.commit();
  }

  abort(): void {
    this.file?.abort();
  }

  /** Opens the replacement file and writes the pending entries into it. */
  private replacement(): CacheFileWriter {
    if (!this.file) {
      this.file = this.open();
      for (const line of this.pending) this.file.write(`${line}\n`);
      this.pending = [];
    }
    return this.file;
  }

  private isKept(checksum: string): boolean {
    return this.reused.has(checksum) || this.live.has(checksum);
  }

  /**
   * The lines a rewrite would drop: stale entries, and lines repeated (a
   * resumed walk parses its files without reading the stored entries, and
   * appends them again).
   */
  private droppable(): number {
    if (!this.entries) return 0;
    let stale = this.entries.lines - this.entries.entries.size;
    for (const checksum of this.entries.entries.keys()) if (!this.isKept(checksum)) stale++;
    return stale;
  }
}

interface StoredEntries {
  entries: Map<string, string>;
  /** Lines read: more than `entries` when some checksum is repeated. */
  lines: number;
}

/** Above this many characters of new entries, a run writes them out as it makes them (see ParsedPack). */
const APPEND_AT_MOST = 1_000_000;

/** The result with the texts of its files with findings, for code frames: a resumed walk did not read the files behind its checkpoint. */
function withTexts(result: LintResult, input: CachedLintInput): LintResult {
  const byPath = new Map(input.digests.map((digest) => [digest.file.path, digest.file]));
  const missing = new Map<string, MigrationFile>();
  for (const { file } of result.diagnostics) {
    const migration = byPath.get(file);
    if (migration && !result.sources.has(file)) missing.set(file, migration);
  }
  if (missing.size === 0) return result;
  const sources = new Map(result.sources);
  for (const source of input.sources([...missing.values()])) sources.set(source.file.path, source.text);
  return { ...result, sources };
}

/** Whether the file begins with `text`, reading no more of it. Throws when it cannot be read. */
function startsWith(file: string, text: string): boolean {
  const expected = Buffer.from(text);
  const start = Buffer.alloc(expected.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, start, 0, start.length, 0);
  } finally {
    closeSync(fd);
  }
  return start.equals(expected);
}

function parseEntry(line: string): CachedParse | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line.slice(CHECKSUM_LENGTH + 1));
  } catch {
    return undefined;
  }
  const entry = value as { size?: unknown; length?: unknown; directives?: Partial<Directives> | null; parsed?: Partial<ParsedSql> | null } | null;
  const parsed = entry?.parsed;
  if (entry && entry.directives === undefined) entry.directives = NO_DIRECTIVES;
  const directives = entry?.directives;
  return entry &&
    typeof entry.size === 'number' &&
    typeof entry.length === 'number' &&
    directives &&
    Array.isArray(directives.unknown) &&
    Array.isArray(directives.misplaced) &&
    parsed &&
    Array.isArray(parsed.statements) &&
    Array.isArray(parsed.errors) &&
    Array.isArray(parsed.comments)
    ? (entry as CachedParse)
    : undefined;
}

/**
 * `files` for the walk: those the checksum cache found unchanged (valid UTF-8) are not read, the
 * others are (see LintSource). Each is read at most once, whoever asks.
 */
function lintSources(files: readonly MigrationFile[], input: CachedLintInput): LintSource[] {
  // A file digestFiles read has the source itself as its digest (what `sources` gives for it).
  const isSource = (digest: FileDigest | undefined): digest is MigrationSource => digest !== undefined && 'text' in digest;
  // A first lint read every file, and walks them all: no map of the digests by path (10,000 files: ~24 ms, profiled).
  if (files.length === input.digests.length && input.digests.every((digest, index): digest is MigrationSource => digest.file === files[index] && isSource(digest))) {
    return input.digests.slice();
  }
  const digests = new Map(input.digests.map((digest) => [digest.file.path, digest]));
  const unread = (digest: FileDigest | undefined): digest is FileDigest => digest !== undefined && !isSource(digest) && digest.validUtf8;
  const toRead = files.filter((file) => {
    const digest = digests.get(file.path);
    return !isSource(digest) && !unread(digest);
  });
  const read = new Map(input.sources(toRead).map((source) => [source.file.path, source]));
  return files.map((file) => {
    const digest = digests.get(file.path);
    if (isSource(digest)) return digest;
    if (unread(digest)) return { file, checksum: digest.checksum, size: digest.size, read: () => input.sources([file])[0]! };
    return read.get(file.path)!;
  });
}

/** The rest of a LintResult follows from the input the key stands for. */
interface StoredResult {
  key: string;
  diagnostics: Diagnostic[];
}

function serializeResult(key: string, result: LintResult): string {
  const stored: StoredResult = { key, diagnostics: result.diagnostics };
  return JSON.stringify(stored);
}

/** The stored result when it is `key`'s: its start is compared before the whole (megabytes for thousands of findings) is parsed. */
function readResultFile(file: string, key: string): Partial<StoredResult> | undefined {
  try {
    // serializeResult writes the key first.
    if (!startsWith(file, `{"key":${JSON.stringify(key)},`)) return undefined;
    return JSON.parse(readCacheFile(file)) as Partial<StoredResult>;
  } catch {
    return undefined;
  }
}

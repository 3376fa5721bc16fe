/**
 * `sqlmig.sum`, the integrity file of the migrations folder (DESIGN.md §1):
 *
 *     total 5d41…                              (sha256 of all following lines)
 *     9f86…  0001_create_users.up.sql
 *     e3b0…  0001_create_users.down.sql
 *
 * - Every line ends in "\n" (a "\r\n" from git on Windows is accepted when reading).
 * - Line 1 is `total <hex>`: the lowercase sha256 hex of the entry lines exactly
 *   as written, each with its "\n".
 * - Then one line per file, `<sha256 hex of its bytes, CRLF read as LF>  <file name>` (two
 *   spaces, as sha256sum prints it, so `tail -n +2 sqlmig.sum | sha256sum -c`
 *   works in the folder), ordered by version, the up file before the down file.
 *
 * Every added file changes line 1, so two branches that each add a migration
 * conflict in git when merged instead of both landing with the same version.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileError } from '../errors.js';
import { isFileNameError, parseFileName } from './filename.js';
import { errnoCode, fsErrorReason } from './fs-error.js';
import { recordedMatches } from './line-endings.js';
import type { MigrationSource } from './types.js';

export const SUM_FILE_NAME = 'sqlmig.sum';

/** What the sum needs of a file; a MigrationSource is one. */
export interface ChecksummedFile {
  /** With `path`, a line recorded with the sum of the file's other line-ending form (or raw bytes) still matches. */
  file: Pick<MigrationSource['file'], 'fileName'> & { path?: string };
  checksum: string;
}

/** A malformed line of sqlmig.sum (data, not an exception). */
export interface SumProblem {
  /** 1-based. */
  line: number;
  message: string;
  hint: string;
}

export interface SumFile {
  /** Absolute path of sqlmig.sum. */
  path: string;
  /** File name → sha256 hex, as recorded. */
  entries: Map<string, string>;
  /** The recorded total, or null when the line is missing or malformed. */
  total: string | null;
  problems: SumProblem[];
}

export interface SumComparison {
  /** Recorded with a different checksum: the file was edited. In version order. */
  edited: string[];
  /** Files that the sum does not list. In version order. */
  added: string[];
  /** Listed in the sum, no such file. In the sum's order. */
  removed: string[];
  /**
   * The recorded total differs from the one the current files give. Also set
   * when every entry matches but the sum itself was edited by hand (for
   * example a merge conflict resolved by keeping both sides).
   */
  totalMismatch: boolean;
}

const TOTAL_LINE = /^total ([0-9a-f]{64})$/;
const ENTRY_LINE = /^([0-9a-f]{64}) {2}(\S+)$/;
const CONFLICT_MARKER = /^(<{7}|={7}|>{7}|\|{7})(\s|$)/;
const REWRITE_HINT = 'run `sqlmig hash` to rewrite it from the files, after making sure no applied migration was edited';

/** The content of sqlmig.sum for these files. */
export function computeSum(sources: readonly ChecksummedFile[]): string {
  const body = entryLines(sources);
  return `total ${sha256(body)}\n${body}`;
}

/** Reads `<dir>/sqlmig.sum`; null when there is none. */
export function readSumFile(dir: string): SumFile | null {
  const path = join(dir, SUM_FILE_NAME);
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw new FileError(`cannot read ${SUM_FILE_NAME}: ${fsErrorReason(error)}`, { location: { file: path }, cause: error });
  }
  return { path, ...parseSum(content) };
}

/** Writes `<dir>/sqlmig.sum` atomically (a crash never leaves half a file); returns its path. */
export function writeSumFile(dir: string, sources: readonly ChecksummedFile[]): string {
  const path = join(dir, SUM_FILE_NAME);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, computeSum(sources));
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new FileError(`cannot write ${SUM_FILE_NAME}: ${fsErrorReason(error)}`, { location: { file: path }, cause: error });
  }
  return path;
}

export function compareSum(sum: SumFile, sources: readonly ChecksummedFile[]): SumComparison {
  const edited: string[] = [];
  const added: string[] = [];
  const present = new Set<string>();
  // The sums as recorded where only the line endings differ, so the total of a sum written from CRLF bytes still matches.
  const asRecorded: ChecksummedFile[] = [];
  for (const source of sortedByVersion(sources)) {
    const { fileName, path } = source.file;
    present.add(fileName);
    const recorded = sum.entries.get(fileName);
    const same = recorded !== undefined && path !== undefined ? recordedMatches(recorded, source.checksum, path) : recorded === source.checksum;
    if (recorded === undefined) added.push(fileName);
    else if (!same) edited.push(fileName);
    asRecorded.push(same ? { file: source.file, checksum: recorded! } : source);
  }
  const removed = [...sum.entries.keys()].filter((fileName) => !present.has(fileName));
  return { edited, added, removed, totalMismatch: sum.total !== sha256(entryLines(asRecorded)) };
}

function parseSum(content: string): Omit<SumFile, 'path'> {
  const entries = new Map<string, string>();
  const problems: SumProblem[] = [];
  let total: string | null = null;
  let totalSeen = false;

  const lines = content.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [index, rawLine] of lines.entries()) {
    const line = index + 1;
    const text = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (CONFLICT_MARKER.test(text)) {
      // Everything else wrong with the file follows from the conflict.
      return {
        entries,
        total,
        problems: [
          {
            line,
            message: 'unresolved merge conflict (git conflict markers)',
            hint: 'two branches added migrations: renumber yours after theirs (both files, e.g. with git mv), then run `sqlmig hash`',
          },
        ],
      };
    }
    const totalMatch = TOTAL_LINE.exec(text);
    const entryMatch = ENTRY_LINE.exec(text);
    if (totalMatch) {
      if (totalSeen) problems.push({ line, message: 'a second "total" line', hint: REWRITE_HINT });
      else if (line !== 1) problems.push({ line, message: 'the "total" line must be the first line', hint: REWRITE_HINT });
      else total = totalMatch[1]!;
      totalSeen = true;
    } else if (entryMatch) {
      const [, checksum, fileName] = entryMatch as unknown as [string, string, string];
      if (entries.has(fileName)) problems.push({ line, message: `"${fileName}" is listed twice`, hint: REWRITE_HINT });
      else entries.set(fileName, checksum);
    } else {
      problems.push({
        line,
        message: `malformed line: expected ${line === 1 ? '"total <sha256 hex>"' : '"<sha256 hex>  <file name>"'}`,
        hint: REWRITE_HINT,
      });
    }
  }
  if (!totalSeen && !problems.some((problem) => problem.line === 1)) {
    problems.unshift({ line: 1, message: 'missing the "total <sha256 hex>" first line', hint: REWRITE_HINT });
  }
  return { entries, total, problems };
}

function entryLines(sources: readonly ChecksummedFile[]): string {
  return sortedByVersion(sources)
    .map((source) => `${source.checksum}  ${source.file.fileName}\n`)
    .join('');
}

/** Version, then up before down; names that do not parse (never written by sqlmig) last, by name. */
function sortedByVersion<T extends ChecksummedFile>(sources: readonly T[]): T[] {
  const keyed = sources.map((source) => {
    const parsed = parseFileName(source.file.fileName);
    const key = isFileNameError(parsed)
      ? { version: Number.POSITIVE_INFINITY, order: 0 }
      : { version: parsed.version, order: parsed.direction === 'up' ? 0 : 1 };
    return { source, ...key, fileName: source.file.fileName };
  });
  keyed.sort(
    (a, b) =>
      a.version - b.version ||
      a.order - b.order ||
      (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0),
  );
  return keyed.map((item) => item.source);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

import { MigrationError } from '../errors.js';
// The modules themselves, not migrations/index.js: `new`'s scaffolding and sqlmig.sum are not needed to run.
import { discoverMigrations } from '../migrations/discover.js';
import { digestFiles, readSourcesOnce, type SourcesRead } from '../migrations/checksum-cache.js';
import { recordedMatches } from '../migrations/line-endings.js';
import type { FolderListing } from '../migrations/layouts/types.js';
import type { MigrationFile, MigrationSet, MigrationSource } from '../migrations/types.js';
import { lengthIn, locationAt } from './error-mapping.js';
import type { PlanInput } from './plan.js';
import type { AppliedMigration } from './types.js';

/** The migrations folder with the checksum of every up file (for the planner). */
export interface LoadedMigrations {
  set: MigrationSet;
  /** sha256 of each up file, by version. */
  checksums: Map<number, string>;
  /** The files read so far, by path: a file whose checksum came from the cache is read when it runs. */
  read: SourcesRead;
}

/**
 * `cacheDir`: where checksums of unchanged files are reused from (`<project root>/.sqlmig/cache`); default: every up file is read.
 * `listing`: the folder as already listed (see discoverMigrations).
 */
export function loadMigrations(dir: string, cacheDir?: string, listing?: FolderListing): LoadedMigrations {
  const set = discoverMigrations(dir, listing);
  const upFiles = set.migrations.flatMap((m) => (m.up ? [m.up] : []));
  const { digests, read } = digestFiles(set, upFiles, cacheDir);
  const checksums = new Map(digests.map((digest) => [digest.file.version, digest.checksum]));
  return { set, checksums, read };
}

/**
 * What the planner compares: a row recorded with the sum of the file's other
 * line-ending form (a CRLF checkout, or a sum taken before CRLF was
 * normalised) counts as the current file's.
 */
export function planInput(loaded: LoadedMigrations, applied: readonly AppliedMigration[], renumbered?: string): PlanInput {
  const checksums = new Map(loaded.checksums);
  const upFiles = new Map(loaded.set.migrations.flatMap((m) => (m.up ? [[m.version, m.up.path] as const] : [])));
  for (const row of applied) {
    const current = checksums.get(row.version);
    const path = upFiles.get(row.version);
    if (current !== undefined && path !== undefined && current !== row.checksum && recordedMatches(row.checksum, current, path)) {
      checksums.set(row.version, row.checksum);
    }
  }
  return { set: loaded.set, checksums, applied, ...(renumbered !== undefined ? { renumbered } : {}) };
}

/** The source of each file, reusing the files already read. */
export function sourcesOf(files: readonly MigrationFile[], loaded: LoadedMigrations): MigrationSource[] {
  return readSourcesOnce(files, loaded.read);
}

/**
 * Refuses a file that cannot be sent as written, before anything runs: a NUL
 * character would end the query string of the wire protocol, and invalid
 * UTF-8 would run with replacement characters instead of the bytes the
 * checksum covers.
 */
export function assertSendable(source: MigrationSource): void {
  const problem = source.text.includes('\0')
    ? { index: source.text.indexOf('\0'), what: 'a NUL character, which PostgreSQL cannot accept in SQL text' }
    : !source.validUtf8
      ? { index: source.text.indexOf('\uFFFD'), what: 'bytes that are not valid UTF-8' }
      : undefined;
  if (!problem) return;
  const { line, column } = locationAt(source.text, lengthIn(source.text.slice(0, problem.index), 'character'), 'character');
  throw new MigrationError(
    `the file contains ${problem.what} (nothing was run)`,
    { location: { file: source.file.path, line, column, source: source.text }, hint: 'save the file as UTF-8 text without NUL characters, then run the command again' },
    'MIGRATION_UNSENDABLE',
  );
}

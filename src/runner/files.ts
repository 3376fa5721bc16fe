import { MigrationError } from '../errors.js';
// The modules themselves, not migrations/index.js: `new`'s scaffolding and sqlmig.sum are not needed to run.
import { discoverMigrations } from '../migrations/discover.js';
import { readMigrationSources } from '../migrations/source.js';
import type { MigrationFile, MigrationSet, MigrationSource } from '../migrations/types.js';
import { lengthIn, locationAt } from './error-mapping.js';

/** The migrations folder with every up file read (checksums for the planner, text for running). */
export interface LoadedMigrations {
  set: MigrationSet;
  upSources: Map<number, MigrationSource>;
  /** sha256 of each up file, by version. */
  checksums: Map<number, string>;
}

export async function loadMigrations(dir: string): Promise<LoadedMigrations> {
  const set = await discoverMigrations(dir);
  const upFiles = set.migrations.flatMap((m) => (m.up ? [m.up] : []));
  const sources = await readMigrationSources(upFiles);
  const upSources = new Map(sources.map((source) => [source.file.version, source]));
  const checksums = new Map(sources.map((source) => [source.file.version, source.checksum]));
  return { set, upSources, checksums };
}

/** The source of each file, reusing the up files already read. */
export async function sourcesOf(files: readonly MigrationFile[], loaded: LoadedMigrations): Promise<MigrationSource[]> {
  const toRead = files.filter((file) => file.direction === 'down');
  const read = new Map((await readMigrationSources(toRead)).map((source) => [source.file.path, source]));
  return files.map((file) => (file.direction === 'up' ? loaded.upSources.get(file.version) : read.get(file.path))!);
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
    { location: { file: source.file.path, line, column }, hint: 'save the file as UTF-8 text without NUL characters, then run the command again' },
    'MIGRATION_UNSENDABLE',
  );
}

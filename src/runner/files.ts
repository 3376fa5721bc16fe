import { discoverMigrations, readMigrationSources } from '../migrations/index.js';
import type { MigrationFile, MigrationSet, MigrationSource } from '../migrations/types.js';

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

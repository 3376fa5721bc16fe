import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, FileError } from '../../errors.js';
import { discoverMigrations, migrationFiles } from '../discover.js';
import { fsErrorReason } from '../fs-error.js';
import { readMigrationSources } from '../source.js';
import { writeSumFile } from '../sum.js';
import { convertRevisions, type AlembicImport } from './convert.js';
import { RevisionOrderError } from './order.js';

export interface WrittenImport extends AlembicImport {
  /** Paths of the files written, in version order. */
  written: string[];
}

/**
 * `import --from alembic <versions dir> --to <dir>`: converts the revision files and writes the sqlmig files
 * and sqlmig.sum into `toDir`, which must hold no migrations yet. Returns what it wrote and what it could not convert.
 */
export function importAlembic(versionsDir: string, toDir: string): WrittenImport {
  let names: string[];
  try {
    names = readdirSync(versionsDir).filter((name) => name.endsWith('.py') && name !== '__init__.py').sort();
  } catch (error) {
    throw new ConfigError(`cannot read the Alembic versions folder ${versionsDir}: ${fsErrorReason(error)}`, { cause: error });
  }
  if (names.length === 0) throw new ConfigError(`${versionsDir} has no .py files: pass Alembic's versions folder (alembic/versions)`);
  const files = names.map((name) => ({ path: join(versionsDir, name), text: readFileSync(join(versionsDir, name), 'utf8') }));
  let converted: AlembicImport;
  try {
    converted = convertRevisions(files);
  } catch (error) {
    if (error instanceof RevisionOrderError) throw new ConfigError(error.message, { hint: 'fix the revision files, then import again' }, 'IMPORT_ORDER');
    throw error;
  }
  if (existsSync(toDir) && discoverMigrations(toDir).migrations.length > 0) {
    throw new ConfigError(`${toDir} already has migrations: import into an empty folder`, { hint: 'pass another --to, or move the existing files away' });
  }
  const width = Math.max(4, String(converted.migrations.length).length);
  const written: string[] = [];
  try {
    mkdirSync(toDir, { recursive: true });
    for (const migration of converted.migrations) {
      const base = join(toDir, `${String(migration.version).padStart(width, '0')}_${migration.name}`);
      for (const [direction, text] of [['up', migration.up], ['down', migration.down]] as const) {
        if (text === undefined) continue;
        writeFileSync(`${base}.${direction}.sql`, text);
        written.push(`${base}.${direction}.sql`);
      }
    }
  } catch (error) {
    throw new FileError(`cannot write the imported files into ${toDir}: ${fsErrorReason(error)}`, { cause: error });
  }
  writeSumFile(toDir, readMigrationSources(migrationFiles(discoverMigrations(toDir))));
  return { ...converted, written };
}

import type { MigrationSet } from '../migrations/types.js';
import type { Progress } from './progress-note.js';
import type { AppliedMigration } from './types.js';

/** `no-up-file`: a down file whose up file is missing (never applied), which up, validate and verify refuse. */
export type MigrationState = 'applied' | 'pending' | 'edited' | 'missing' | 'dirty' | 'no-up-file';

/** One line of `sqlmig status`. */
export interface StatusRow {
  version: number;
  name: string;
  state: MigrationState;
  /** Absolute path of the up file (of the down file for `no-up-file`); null when it is missing. */
  file: string | null;
  appliedAt: Date | null;
  durationMs: number | null;
  appliedBy: string | null;
  /** For a dirty no-transaction file run from this checkout: how far it got (from the runner's note). */
  progress?: Progress;
}

/** Every migration known to the files or the tracking table, by version. Pure. */
export function statusRows(
  set: MigrationSet,
  checksums: ReadonlyMap<number, string>,
  applied: readonly AppliedMigration[],
): StatusRow[] {
  const rows = new Map<number, StatusRow>();
  for (const migration of set.migrations) {
    const file = migration.up ?? migration.down;
    if (!file) continue;
    rows.set(migration.version, {
      version: migration.version,
      name: migration.name,
      state: migration.up ? 'pending' : 'no-up-file',
      file: file.path,
      appliedAt: null,
      durationMs: null,
      appliedBy: null,
    });
  }
  for (const row of applied) {
    const fromFile = rows.get(row.version);
    const current = checksums.get(row.version);
    const state: MigrationState = row.dirty
      ? 'dirty'
      : !fromFile || fromFile.state === 'no-up-file' || current === undefined
        ? 'missing'
        : current !== row.checksum
          ? 'edited'
          : 'applied';
    rows.set(row.version, {
      version: row.version,
      name: fromFile?.name ?? row.name,
      state,
      file: fromFile?.state === 'pending' ? fromFile.file : null,
      appliedAt: row.appliedAt,
      durationMs: row.durationMs,
      appliedBy: row.appliedBy,
    });
  }
  return [...rows.values()].sort((a, b) => a.version - b.version);
}

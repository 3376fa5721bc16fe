import { hostname } from 'node:os';
import { RefusedError } from '../errors.js';
import type { DatabaseSession } from '../db/port.js';
import { loadMigrations, planInput } from './files.js';
import { dropInvalidIndexesList, invalidIndexes } from './invalid-indexes.js';
import { planStamp } from './plan.js';
import { PlanRefusedError } from './refused.js';
import { resolveTarget, withSession, type RunnerOptions } from './session.js';
import { clearDirtySql, deleteRowSql, insertStampedSql } from './tracking.js';
import type { PlanStep } from './types.js';

/**
 * Records every pending migration up to `version` as applied without running
 * it: for a database that already has that schema (baselining). Refuses
 * while a row is dirty. Returns what it recorded.
 */
export async function stamp(options: RunnerOptions & { version: number }): Promise<PlanStep[]> {
  const target = await resolveTarget(options);
  return withSession(target, options, 'change', async (session) => {
    const loaded = loadMigrations(target.config.dir, target.cacheDir, target.folderListing);
    const chosen = planStamp(planInput(loaded, session.applied, target.renumbered), options.version);
    if (chosen.refusals.length > 0) throw new PlanRefusedError(chosen.refusals, target.cwd, 'other');
    if (chosen.steps.length === 0) return [];
    const rows = chosen.steps.map((step) => ({ version: step.version, name: step.name, checksum: loaded.checksums.get(step.version)! }));
    await session.db.exec(insertStampedSql(target.table, rows, hostname()));
    return chosen.steps;
  });
}

/** `applied`: the dirty migration did take effect (keep its row); `rolled-back`: it did not (remove its row). */
export type Resolution = 'applied' | 'rolled-back';

/** Clears the dirty flag a failed no-transaction migration left, once a person has fixed the database. */
export async function resolve(options: RunnerOptions & { version: number; as: Resolution }): Promise<void> {
  const target = await resolveTarget(options);
  await withSession(target, options, 'change', async (session) => {
    const row = session.applied.find((applied) => applied.version === options.version);
    if (!row?.dirty) {
      throw new RefusedError(
        row ? `version ${options.version} (${row.name}) is not dirty: nothing to resolve` : `version ${options.version} has no row in ${target.table.sql}`,
        { hint: 'run `sqlmig status` to see which version is dirty' },
        'NOT_DIRTY',
      );
    }
    if (options.as === 'applied') await refuseInvalidIndexes(session.db, options.version);
    await session.db.exec(
      options.as === 'applied' ? clearDirtySql(target.table, options.version) : deleteRowSql(target.table, options.version),
    );
  });
}

/**
 * A failed CREATE INDEX CONCURRENTLY leaves an INVALID index that IF NOT EXISTS then skips: recording the
 * migration as applied would keep it so for good. Any invalid index in the database refuses (one not built by
 * this migration is worth dropping too), except those being built right now.
 */
async function refuseInvalidIndexes(db: DatabaseSession, version: number): Promise<void> {
  const invalid = await invalidIndexes(db);
  if (invalid.length === 0) return;
  const count = invalid.length === 1 ? 'an INVALID index' : `${invalid.length} INVALID indexes`;
  throw new RefusedError(
    `the database has ${count}, which a failed CREATE INDEX CONCURRENTLY leaves: recording version ${version} as applied ` +
      `would keep ${invalid.length === 1 ? 'it' : 'them'} unusable (IF NOT EXISTS skips an invalid index)\n${dropInvalidIndexesList(invalid)}`,
    {
      hint: `run the DROP statement${invalid.length === 1 ? '' : 's'} above, then either build the index again by hand and run ` +
        `\`sqlmig resolve ${version} --applied\`, or run \`sqlmig resolve ${version} --rolled-back\` and \`sqlmig up\``,
    },
    'INVALID_INDEX',
  );
}

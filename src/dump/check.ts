import type { ResolvedConnection } from '../config/types.js';
import { trackingTable } from '../runner/tracking.js';
import { diffSnapshots, takeSnapshot, type CatalogSnapshot, type SchemaChange } from '../verify/snapshot.js';
import { openThrowaway } from '../verify/throwaway.js';

/**
 * What a dump does not carry, by design: privileges (GRANT / REVOKE are
 * roles' business, and roles are not part of a database's schema). They are
 * left out of both snapshots before comparing.
 */
const NOT_DUMPED = ['privileges'];

/** Loads `sql` into an empty throwaway database (PGlite in memory when `server` is null) and snapshots it, leaving out `tracking` (schema and table name) as snapshots do. */
export async function loadDump(sql: string, tracking: { schema: string; table: string }, server: ResolvedConnection | null = null): Promise<CatalogSnapshot> {
  const database = await openThrowaway(server, {});
  try {
    await database.db.exec(sql);
    // A dump may change session settings (pg_dump empties search_path), which would change how the snapshot deparses names.
    await database.db.exec(database.db.resetSql);
    return await takeSnapshot(database.db, trackingTable(tracking.schema, tracking.table));
  } finally {
    await database.dispose();
  }
}

/** How the schema a dump loads into differs from the schema the migrations produced (empty: the dump is faithful). */
export function dumpDifferences(migrated: CatalogSnapshot, loaded: CatalogSnapshot): SchemaChange[] {
  return diffSnapshots(withoutUndumped(migrated), withoutUndumped(loaded));
}

function withoutUndumped(snapshot: CatalogSnapshot): CatalogSnapshot {
  return snapshot.map((object) => ({
    ...object,
    properties: Object.fromEntries(Object.entries(object.properties).filter(([name]) => !NOT_DUMPED.includes(name))),
  }));
}

import type { ResolvedConnection } from '../config/types.js';
import type { TrackingTable } from '../runner/tracking.js';
import { diffSnapshots, takeSnapshot, type CatalogSnapshot, type SchemaChange } from '../verify/snapshot.js';
import { openThrowaway } from '../verify/throwaway.js';

/**
 * What a dump does not carry, by design: privileges (GRANT / REVOKE are
 * roles' business, and roles are not part of a database's schema). They are
 * left out of both snapshots before comparing.
 */
const NOT_DUMPED = ['privileges'];

/** Loads `sql` into an empty throwaway database (PGlite in memory when `server` is null) and snapshots it. */
export async function loadDump(sql: string, tracking: TrackingTable, server: ResolvedConnection | null = null): Promise<CatalogSnapshot> {
  const database = await openThrowaway(server, {});
  try {
    await database.db.exec(sql);
    return await takeSnapshot(database.db, tracking);
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

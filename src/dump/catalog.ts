import type { DatabaseSession } from '../db/port.js';
import type { TrackingTable } from '../runner/tracking.js';
import { takeSnapshot, type CatalogObject, type CatalogSnapshot } from '../verify/snapshot.js';
import { DEPENDENCIES_SQL, DETAILS_SQL } from './catalog-sql.js';

export type DetailValue = string | number | boolean | null | readonly string[] | readonly { ident: string; definition: string }[] | AggregateParts;

/** The parts of `CREATE AGGREGATE`, as regproc/regtype text. */
export interface AggregateParts {
  sfunc: string;
  stype: string;
  finalfunc: string | null;
  combinefunc: string | null;
  initcond: string | null;
  sortop: string | null;
}

/**
 * A snapshot object with what it takes to write it as SQL: `details`
 * (quoted identifiers, positions, source text; see catalog-sql.ts) and the
 * keys (`<kind> <name>`) of the objects it needs to exist first.
 */
export interface SchemaObject extends CatalogObject {
  details: Record<string, DetailValue>;
  dependsOn: string[];
}

/** The schema of a database as `dump` renders it: verify's snapshot, its objects with details and dependencies. */
export interface DumpCatalog {
  snapshot: CatalogSnapshot;
  objects: SchemaObject[];
}

/** `<kind> <name>`, the key of an object in snapshots and in `dependsOn`. */
export function objectKey(object: Pick<CatalogObject, 'kind' | 'name'>): string {
  return `${object.kind} ${object.name}`;
}

/** Reads the schema of the session's database (tracking table left out) for rendering. */
export async function readCatalog(db: DatabaseSession, tracking: TrackingTable): Promise<DumpCatalog> {
  const snapshot = await takeSnapshot(db, tracking);
  const detailRows = await db.query<{ kind: string; name: string; details: Record<string, DetailValue> }>(DETAILS_SQL, [tracking.schema, tracking.table]);
  const edgeRows = await db.query<{ dependent: string; dependency: string }>(DEPENDENCIES_SQL);
  const details = new Map(detailRows.map((row) => [`${row.kind} ${row.name}`, row.details]));
  const keys = new Set(snapshot.map(objectKey));
  const dependencies = new Map<string, Set<string>>();
  for (const { dependent, dependency } of edgeRows) {
    if (!keys.has(dependent) || !keys.has(dependency)) continue;
    let set = dependencies.get(dependent);
    if (!set) dependencies.set(dependent, (set = new Set()));
    set.add(dependency);
  }
  const objects = snapshot.map((object) => {
    const key = objectKey(object);
    return { ...object, details: details.get(key) ?? {}, dependsOn: [...(dependencies.get(key) ?? [])].sort() };
  });
  return { snapshot, objects };
}

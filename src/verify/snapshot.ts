import type { DatabaseSession } from '../db/port.js';
import type { TrackingTable } from '../runner/tracking.js';
import { CATALOG_SQL, CITUS_DISTRIBUTION_SQL, CITUS_PRESENT_SQL } from './catalog-sql.js';

export type ObjectKind =
  | 'schema'
  | 'extension'
  | 'type'
  | 'sequence'
  | 'table'
  | 'column'
  | 'constraint'
  | 'index'
  | 'view'
  | 'function'
  | 'trigger'
  | 'policy'
  /** Citus: how a table is distributed (pg_dist_partition), where the citus extension is present. */
  | 'distribution';

/** Order in snapshots and diffs: containers before what they contain. */
const KIND_ORDER: readonly ObjectKind[] = [
  'schema',
  'extension',
  'type',
  'sequence',
  'table',
  'column',
  'constraint',
  'index',
  'view',
  'function',
  'trigger',
  'policy',
  'distribution',
];

export type PropertyValue = string | boolean | null;

/** One schema object as the catalog describes it, without OIDs. */
export interface CatalogObject {
  kind: ObjectKind;
  /** Schema-qualified, e.g. `public.users.email` for a column. */
  name: string;
  /** `<kind> <name>` of the table or view it belongs to (columns, constraints, indexes, triggers, policies). */
  parent: string | null;
  properties: Record<string, PropertyValue>;
}

/** The schema of a database, sorted, so that two equal schemas give deep-equal snapshots. */
export type CatalogSnapshot = CatalogObject[];

/**
 * Reads the catalog of the session's database, leaving out the tracking
 * table; with the citus extension present (a migration may create it), also
 * how each table is distributed. `exactDefinitions` keeps function sources
 * exactly as written (for `diff`, which writes them out again) instead of with
 * whitespace runs as one space.
 */
export async function takeSnapshot(db: DatabaseSession, tracking: TrackingTable, options: { exactDefinitions?: boolean } = {}): Promise<CatalogSnapshot> {
  const parameters = [tracking.schema, tracking.table];
  const rows = await db.query<CatalogObject & Record<string, unknown>>(CATALOG_SQL, parameters);
  const [citus] = await db.query<{ present: boolean }>(CITUS_PRESENT_SQL);
  if (citus?.present === true) rows.push(...(await db.query<CatalogObject & Record<string, unknown>>(CITUS_DISTRIBUTION_SQL, parameters)));
  return rows
    .map((row) => ({ kind: row.kind, name: row.name, parent: row.parent, properties: options.exactDefinitions ? row.properties : normalized(row) }))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compare(a.name, b.name));
}

/**
 * A function's source is kept as written: a down file that restores the
 * previous version re-indented or re-wrapped would differ. Whitespace does not
 * change what it does (outside string literals, which this accepts), so runs
 * of it count as one space.
 */
export function normalized(row: CatalogObject): CatalogObject['properties'] {
  const definition = row.properties.definition;
  if (row.kind !== 'function' || typeof definition !== 'string') return row.properties;
  return { ...row.properties, definition: definition.replace(/\s+/g, ' ').trim() };
}

/** How the actual schema differs from the expected one. */
export type SchemaChange =
  | { type: 'added' | 'removed'; object: CatalogObject }
  | { type: 'changed'; object: CatalogObject; property: string; expected: PropertyValue; actual: PropertyValue };

/**
 * The differences between two snapshots, in snapshot order. Members of an
 * added or removed table or view (its columns, indexes…) are not listed again.
 */
export function diffSnapshots(expected: CatalogSnapshot, actual: CatalogSnapshot): SchemaChange[] {
  const before = byKey(expected);
  const after = byKey(actual);
  const added = actual.filter((object) => !before.has(keyOf(object)));
  const removed = expected.filter((object) => !after.has(keyOf(object)));
  const addedKeys = new Set(added.map(keyOf));
  const removedKeys = new Set(removed.map(keyOf));
  const changes: SchemaChange[] = [];
  for (const object of added) if (!(object.parent && addedKeys.has(object.parent))) changes.push({ type: 'added', object });
  for (const object of removed) if (!(object.parent && removedKeys.has(object.parent))) changes.push({ type: 'removed', object });
  for (const object of actual) {
    const old = before.get(keyOf(object));
    if (!old) continue;
    const properties = new Set([...Object.keys(old.properties), ...Object.keys(object.properties)]);
    for (const property of properties) {
      const was = old.properties[property] ?? null;
      const now = object.properties[property] ?? null;
      if (was !== now) changes.push({ type: 'changed', object, property, expected: was, actual: now });
    }
  }
  // Stable sort: for one object, additions and removals come before property changes.
  return changes.sort(
    (a, b) => KIND_ORDER.indexOf(a.object.kind) - KIND_ORDER.indexOf(b.object.kind) || compare(a.object.name, b.object.name),
  );
}

/** Words for added and removed objects, which depend on what was compared. */
export interface ChangeWords {
  /** e.g. `left behind` (after a down). */
  added: string;
  /** e.g. `missing`. */
  removed: string;
  /** e.g. `changed`. */
  changed: string;
}

/** Values longer than this (view and function definitions) are shown around their first difference only. */
const SHOWN_VALUE_LENGTH = 80;
const CONTEXT_BEFORE = 20;
const EXCERPT_LENGTH = 60;

/**
 * One readable line per change: `left behind: index public.idx_users_nickname`,
 * `changed: column public.users.email type character varying(255) → text`,
 * `changed: view public.v definition, line 12: …'2024-05-01'… → …'2024-05-02'…`
 * (long values are cut around their first difference).
 */
export function describeChange(change: SchemaChange, words: ChangeWords): string {
  const what = `${change.object.kind} ${change.object.name}`;
  if (change.type !== 'changed') return `${change.type === 'added' ? words.added : words.removed}: ${what}`;
  const [expected, actual] = [formatValue(change.expected), formatValue(change.actual)];
  if (expected.length <= SHOWN_VALUE_LENGTH && actual.length <= SHOWN_VALUE_LENGTH && !/\n/.test(expected + actual)) {
    return `${words.changed}: ${what} ${change.property} ${expected} → ${actual}`;
  }
  return `${words.changed}: ${what} ${change.property}${firstDifference(expected, actual)}`;
}

/** ` …before… → …after…`, with `, line 12:` first in multi-line values: the first line that differs, cut around its first difference. */
function firstDifference(expected: string, actual: string): string {
  const before = expected.split('\n');
  const after = actual.split('\n');
  let line = 0;
  while (line < before.length && line < after.length && before[line] === after[line]) line++;
  const [was, now] = [before[line], after[line]];
  let column = 0;
  while (was !== undefined && now !== undefined && column < was.length && was[column] === now[column]) column++;
  const start = Math.max(0, column - CONTEXT_BEFORE);
  const excerpt = (text: string | undefined) => {
    if (text === undefined) return '(nothing)';
    const cut = text.slice(start, start + EXCERPT_LENGTH).trim();
    return `${start > 0 ? '…' : ''}${cut}${start + EXCERPT_LENGTH < text.length ? '…' : ''}`;
  };
  const where = before.length > 1 || after.length > 1 ? `, line ${line + 1}:` : '';
  return `${where} ${excerpt(was)} → ${excerpt(now)}`;
}

function formatValue(value: PropertyValue): string {
  if (value === null) return '(none)';
  return String(value);
}

function keyOf(object: CatalogObject): string {
  return `${object.kind} ${object.name}`;
}

function byKey(snapshot: CatalogSnapshot): Map<string, CatalogObject> {
  return new Map(snapshot.map((object) => [keyOf(object), object]));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `sqlmig diff`'s planner: two catalog snapshots (what the migrations build,
 * what is wanted) → the migrations that turn one into the other, up and down.
 * Pure.
 *
 * The SOP spreads some changes of an existing table over several migrations,
 * so the draft has up to four, each with the exact snapshot it must produce:
 *
 * 0. `enum values`: values added to existing enums, committed before a later
 *    migration may use them (PostgreSQL refuses a new value in the
 *    transaction that added it);
 * 1. the main migration: everything, except that on tables that existed
 *    before, indexes and UNIQUE / PRIMARY KEY constraints wait for step 3, a
 *    FOREIGN KEY or CHECK is added NOT VALID, and a column that becomes NOT
 *    NULL stays nullable with a `CHECK (col IS NOT NULL) NOT VALID` (and a
 *    backfill placeholder);
 * 2. `validate`: VALIDATE CONSTRAINT, then SET NOT NULL (no scan: the check is
 *    valid) and the check dropped;
 * 3. `concurrent indexes` (`-- sqlmig:no-transaction`): those indexes built
 *    CONCURRENTLY, the constraints added USING INDEX (after step 2, so that a
 *    new PRIMARY KEY finds its columns NOT NULL and scans nothing).
 *
 * Each file is drafted by statements.ts from the snapshot before it to the one
 * after it, and its down file from after to before.
 */
import type { CatalogObject, CatalogSnapshot } from '../verify/snapshot.js';
import { diffSnapshots } from '../verify/snapshot.js';
import { ident } from '../dump/definitions.js';
import { enumLabels, memberName, mentions, relationOf, text } from './sql.js';
import { constraintKind, draftFile, type DraftNote } from './statements.js';

export interface DraftMigration {
  /** Appended to the description in the file name: '' for the main migration. */
  suffix: string;
  /** Written with `-- sqlmig:no-transaction`. */
  noTransaction: boolean;
  up: string[];
  down: string[];
  /** What the schema must be after its up file (its down file must give back the previous one's). */
  after: CatalogSnapshot;
}

export interface DiffPlan {
  migrations: DraftMigration[];
  /** Changes left to the reader: renames to consider, changes PostgreSQL cannot make in place. */
  notes: DraftNote[];
}

const UP_REASON = 'sqlmig diff found no way to spread this step over migrations; review it';
const DOWN_REASON = 'restores the schema from before the up file exactly';

/** `columnOrder`: column positions of both schemas (`schema.table.column` → attnum), so new tables list columns in order. */
export function planDiff(current: CatalogSnapshot, desired: CatalogSnapshot, columnOrder?: ReadonlyMap<string, number>): DiffPlan {
  const existing = existingRelations(current, desired);
  const deferred = (object: CatalogObject, snapshot: CatalogSnapshot) => isDeferred(object, snapshot, existing);
  // A value added to an enum cannot be used in the transaction that adds it: it gets a migration of its own, first.
  const desiredTypes = new Map(desired.filter((object) => object.kind === 'type').map((object) => [object.name, object]));
  const withNewEnumValues = current.map((object): CatalogObject => {
    const wanted = desiredTypes.get(object.name);
    return object.kind === 'type' && wanted && onlyAddsValues(object, wanted) ? { ...object, properties: { ...object.properties, labels: wanted.properties.labels ?? null } } : object;
  });
  // What step 1 keeps of the current indexes and keys: not those on a column it drops (they go with it).
  const dropped = droppedColumns(current, desired);
  const afterMain = sorted([
    ...validLater(
      desired.filter((object) => !deferred(object, desired)),
      current,
      existing,
    ),
    ...current.filter((object) => deferred(object, current) && !readsDroppedColumn(object, current, dropped)),
  ]);
  const afterValidate = sorted([...desired.filter((object) => !deferred(object, desired)), ...current.filter((object) => deferred(object, current) && !readsDroppedColumn(object, current, dropped))]);
  const steps = [
    { suffix: 'enum values', noTransaction: false, before: current, after: withNewEnumValues },
    { suffix: '', noTransaction: false, before: withNewEnumValues, after: afterMain },
    { suffix: 'validate', noTransaction: false, before: afterMain, after: afterValidate },
    { suffix: 'concurrent indexes', noTransaction: true, before: afterValidate, after: desired },
  ];
  const migrations: DraftMigration[] = [];
  const notes: DraftNote[] = [];
  for (const step of steps) {
    if (diffSnapshots(step.before, step.after).length === 0) continue;
    const up = draftFile(step.before, step.after, { noTransaction: step.noTransaction, disableReason: UP_REASON, direction: 'up', columnOrder });
    const down = draftFile(step.after, step.before, { noTransaction: step.noTransaction, disableReason: DOWN_REASON, direction: 'down', columnOrder });
    notes.push(...up.notes, ...down.notes.filter((note) => note.kind === 'manual').map((note) => ({ ...note, message: `down: ${note.message}` })));
    migrations.push({ suffix: step.suffix, noTransaction: step.noTransaction, up: up.statements, down: down.statements, after: step.after });
  }
  return { migrations, notes: unique(notes) };
}

/** An enum whose desired labels are its labels with others added (in any place). */
function onlyAddsValues(type: CatalogObject, wanted: CatalogObject): boolean {
  if (type.properties.kind !== 'enum' || wanted.properties.kind !== 'enum' || type.properties.labels === wanted.properties.labels) return false;
  const was = enumLabels(type);
  const kept = enumLabels(wanted).filter((label) => was.includes(label));
  return kept.length === was.length && kept.every((label, index) => label === was[index]);
}

/** `schema.table` → the columns of it that the desired schema no longer has. */
function droppedColumns(current: CatalogSnapshot, desired: CatalogSnapshot): Map<string, string[]> {
  const wanted = new Set(desired.filter((object) => object.kind === 'column').map((object) => object.name));
  const dropped = new Map<string, string[]>();
  for (const column of current) {
    if (column.kind !== 'column' || wanted.has(column.name)) continue;
    const table = relationOf(column);
    dropped.set(table, [...(dropped.get(table) ?? []), memberName(column)]);
  }
  return dropped;
}

/** An index or key whose definition names a column that is dropped (a word match: at worst it is rebuilt in step 3). */
function readsDroppedColumn(object: CatalogObject, snapshot: CatalogSnapshot, dropped: ReadonlyMap<string, string[]>): boolean {
  const table = relationOf(object);
  if (object.kind === 'index' && object.parent?.startsWith('constraint ')) {
    const constraint = snapshot.find((other) => other.kind === 'constraint' && `constraint ${other.name}` === object.parent);
    if (constraint) return readsDroppedColumn(constraint, snapshot, dropped);
  }
  const columns = dropped.get(table) ?? [];
  const definition = text(object, 'definition') ?? '';
  return columns.some((column) => mentions(definition, column));
}

/** Tables and views that are in both snapshots as the same kind of relation: they existed before the draft. */
function existingRelations(current: CatalogSnapshot, desired: CatalogSnapshot): Set<string> {
  const before = new Map(current.filter((object) => object.kind === 'table' || object.kind === 'view').map((object) => [`${object.kind} ${object.name}`, object]));
  const existing = new Set<string>();
  for (const object of desired) {
    const old = before.get(`${object.kind} ${object.name}`);
    if (!old) continue;
    const sameShape = ['kind', 'partition key', 'partition of', 'inherits'].every((property) => old.properties[property] === object.properties[property]);
    if (sameShape) existing.add(object.name);
  }
  return existing;
}

/**
 * Built in step 3 on a relation that existed: its own indexes, and its UNIQUE
 * and PRIMARY KEY constraints with their indexes.
 */
function isDeferred(object: CatalogObject, snapshot: CatalogSnapshot, existing: ReadonlySet<string>): boolean {
  if (object.kind === 'constraint') {
    const kind = constraintKind(text(object, 'definition') ?? '');
    return (kind === 'unique' || kind === 'primary key') && existing.has(relationOf(object));
  }
  if (object.kind !== 'index' || object.parent === null) return false;
  if (!object.parent.startsWith('constraint ')) return existing.has(relationOf(object));
  const constraint = snapshot.find((other) => other.kind === 'constraint' && `constraint ${other.name}` === object.parent);
  return constraint !== undefined && isDeferred(constraint, snapshot, existing);
}

/**
 * Step 1's view of the desired constraints and columns of existing tables: a
 * new FOREIGN KEY or CHECK is NOT VALID, and a column that becomes NOT NULL is
 * still nullable, with a NOT VALID `CHECK (col IS NOT NULL)`.
 */
function validLater(objects: readonly CatalogObject[], current: CatalogSnapshot, existing: ReadonlySet<string>): CatalogObject[] {
  const before = new Map(current.map((object) => [`${object.kind} ${object.name}`, object]));
  const result: CatalogObject[] = [];
  for (const object of objects) {
    const old = before.get(`${object.kind} ${object.name}`);
    if (object.kind === 'constraint' && existing.has(relationOf(object))) {
      const definition = text(object, 'definition') ?? '';
      const kind = constraintKind(definition);
      const unchanged = old !== undefined && old.properties.definition === definition;
      if ((kind === 'foreign key' || kind === 'check') && !unchanged && !definition.endsWith(' NOT VALID')) {
        result.push({ ...object, properties: { ...object.properties, definition: `${definition} NOT VALID` } });
        continue;
      }
    }
    if (object.kind === 'column' && existing.has(relationOf(object)) && becomesNotNull(object, old)) {
      const table = relationOf(object);
      const column = memberName(object);
      result.push({ ...object, properties: { ...object.properties, 'not null': false } });
      result.push({
        kind: 'constraint',
        name: `${table}.${notNullCheckName(table, column)}`,
        parent: `table ${table}`,
        properties: { definition: `CHECK ((${ident(column)} IS NOT NULL)) NOT VALID` },
      });
      continue;
    }
    result.push(object);
  }
  return result;
}

/** NOT NULL in the desired schema, and not filled by itself when added. */
function becomesNotNull(column: CatalogObject, old: CatalogObject | undefined): boolean {
  const p = column.properties;
  if (!p['not null'] || p.identity !== null || p.generated !== null) return false;
  if (old === undefined) return p.default === null;
  return old.properties['not null'] === false;
}

/** `<table>_<column>_not_null`, as set-not-null-scan's hint names it, cut to PostgreSQL's 63 bytes. */
function notNullCheckName(table: string, column: string): string {
  let name = `${table.slice(table.indexOf('.') + 1)}_${column}_not_null`;
  while (Buffer.byteLength(name) > 63) name = name.slice(0, -1);
  return name;
}

const KIND_ORDER = ['schema', 'extension', 'type', 'sequence', 'table', 'column', 'constraint', 'index', 'view', 'function', 'trigger', 'policy'];

function sorted(snapshot: CatalogObject[]): CatalogSnapshot {
  return snapshot.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function unique(notes: DraftNote[]): DraftNote[] {
  const seen = new Set<string>();
  return notes.filter((note) => !seen.has(note.message) && seen.add(note.message));
}

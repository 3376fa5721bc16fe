/**
 * Catalog objects → the SQL that creates them. Pure: what the catalog says
 * (snapshot properties, deparsed by the server itself) is written back as
 * CREATE / ALTER / COMMENT statements, with no owners and no privileges.
 * `sqlmig diff` renders the objects it adds with the same functions.
 */
import { objectKey, type AggregateParts, type SchemaObject } from './catalog.js';
import {
  addConstraint,
  block,
  columnDefinition as columnSql,
  commentOn,
  createExtension,
  createFunction,
  createPolicy,
  createSchema,
  createSequence,
  createTable,
  createTrigger,
  createType,
  createView,
  literal,
  rowSecurity,
  text,
  viewKeyword,
  withComment as commented,
} from './definitions.js';

/** One statement (or a few that belong together) of a dump, with what must exist before it. */
export interface RenderedStatement {
  /** Unique in a dump: the object's key, or `<object key> #<part>` for a later part (`#owned by`, `#attach`…). */
  key: string;
  /** The key of the object it belongs to. */
  object: string;
  /** Ordering among statements whose dependencies are met: schemas first, policies last. */
  rank: number;
  /** Object keys whose statements must come first. */
  dependsOn: string[];
  /** Ends with `;`; may span lines (and hold several statements, e.g. a table and its comments). */
  sql: string;
}

const RANK = {
  schema: 0,
  extension: 1,
  type: 2,
  function: 3,
  sequence: 4,
  table: 5,
  'owned by': 6,
  constraint: 7,
  'foreign key': 8,
  index: 9,
  view: 10,
  trigger: 11,
  policy: 12,
} as const;

/** The objects of one schema, looked up by key and by parent. */
export class SchemaIndex {
  private readonly byKey = new Map<string, SchemaObject>();
  private readonly byParent = new Map<string, SchemaObject[]>();

  constructor(readonly objects: readonly SchemaObject[]) {
    for (const object of objects) {
      this.byKey.set(objectKey(object), object);
      if (object.parent === null) continue;
      let members = this.byParent.get(object.parent);
      if (!members) this.byParent.set(object.parent, (members = []));
      members.push(object);
    }
  }

  get(key: string): SchemaObject | undefined {
    return this.byKey.get(key);
  }

  /** Columns, constraints, indexes, triggers, policies of a table or view, in snapshot order. */
  members(parentKey: string): readonly SchemaObject[] {
    return this.byParent.get(parentKey) ?? [];
  }
}

/**
 * The statements that create `object`, or none when it comes with something
 * else (columns with their table, a constraint inherited from a parent table,
 * the extension plpgsql, the public schema).
 */
export function renderObject(object: SchemaObject, schema: SchemaIndex): RenderedStatement[] {
  switch (object.kind) {
    case 'schema':
      return renderSchemaObject(object);
    case 'extension':
      return object.name === 'plpgsql' ? [] : [statement(object, RANK.extension, createExtension(ident(object), text(object.details.schema)))];
    case 'type':
      return [statement(object, RANK.type, renderType(object))];
    case 'function':
      // A range type's constructors are made by CREATE TYPE … AS RANGE.
      return object.details.implicit === true ? [] : [statement(object, RANK.function, renderFunction(object))];
    case 'sequence':
      return renderSequence(object);
    case 'table':
      return renderTable(object, schema);
    case 'column':
      return [];
    case 'constraint':
      return renderConstraint(object);
    case 'index':
      return renderIndex(object);
    case 'view':
      return [statement(object, RANK.view, renderView(object))];
    case 'trigger':
      return renderTrigger(object);
    case 'policy':
      return [statement(object, RANK.policy, renderPolicy(object))];
    case 'distribution':
      // Citus metadata: create_distributed_table() belongs in a migration, not in the schema file.
      return [];
  }
}

/** Every object's statements, in dependency order (see orderStatements). */
export function renderStatements(objects: readonly SchemaObject[]): RenderedStatement[] {
  const schema = new SchemaIndex(objects);
  return orderStatements(objects.flatMap((object) => renderObject(object, schema)));
}

/**
 * Dependency order: a statement comes after the statements of every object it
 * depends on. Among the statements that may come next, the lowest rank and
 * then the smallest key goes first, so the order is fixed by the schema alone
 * and kinds stay together where dependencies allow. A cycle (which a schema
 * the server accepted only has through parts written separately) is broken at
 * its lowest-ranked statement.
 */
export function orderStatements(statements: readonly RenderedStatement[]): RenderedStatement[] {
  const byObject = new Map<string, RenderedStatement[]>();
  for (const s of statements) {
    let list = byObject.get(s.object);
    if (!list) byObject.set(s.object, (list = []));
    list.push(s);
  }
  // A dependency on an object means: on its first statement (the one that creates it).
  const creator = (objectKey: string) => byObject.get(objectKey)?.find((s) => s.key === objectKey);
  const waitingOn = new Map<RenderedStatement, Set<RenderedStatement>>();
  const dependents = new Map<RenderedStatement, RenderedStatement[]>();
  for (const s of statements) {
    const needs = new Set<RenderedStatement>();
    for (const key of s.dependsOn) {
      const first = creator(key);
      if (first && first !== s) needs.add(first);
    }
    // Later parts of an object come after its creation.
    if (s.key !== s.object) {
      const first = creator(s.object);
      if (first && first !== s) needs.add(first);
    }
    waitingOn.set(s, needs);
    for (const need of needs) {
      let list = dependents.get(need);
      if (!list) dependents.set(need, (list = []));
      list.push(s);
    }
  }
  const before = (a: RenderedStatement, b: RenderedStatement) => a.rank - b.rank || compare(a.key, b.key);
  const ready = statements.filter((s) => waitingOn.get(s)!.size === 0).sort(before);
  const remaining = new Set(statements);
  const ordered: RenderedStatement[] = [];
  const emit = (s: RenderedStatement) => {
    remaining.delete(s);
    ordered.push(s);
    for (const dependent of dependents.get(s) ?? []) {
      const needs = waitingOn.get(dependent)!;
      needs.delete(s);
      if (needs.size === 0 && remaining.has(dependent)) insertSorted(ready, dependent, before);
    }
  };
  while (remaining.size > 0) {
    const next = ready.shift() ?? [...remaining].sort(before)[0]!;
    if (!remaining.has(next)) continue;
    emit(next);
  }
  return ordered;
}

/** The column as it appears in CREATE TABLE or ALTER TABLE … ADD COLUMN: `email text COLLATE "C" DEFAULT '' NOT NULL`. */
export function columnDefinition(column: SchemaObject): string {
  return columnSql(text(column.details.ident), column.properties, column.details.collation ? text(column.details.collation) : null);
}

function renderSchemaObject(object: SchemaObject): RenderedStatement[] {
  // Every new database has the schema public, with this comment.
  if (object.name === 'public') {
    const comment = object.properties.comment;
    if (comment === 'standard public schema') return [];
    return [statement(object, RANK.schema, commentOn('SCHEMA', 'public', comment))];
  }
  return [statement(object, RANK.schema, withComment(createSchema(ident(object)), 'SCHEMA', ident(object), object))];
}

function renderType(object: SchemaObject): string {
  const p = object.properties;
  const name = ident(object);
  const create = createType(name, {
    kind: p.kind,
    labels: p.labels,
    baseType: p['base type'],
    collation: object.details.collation ? text(object.details.collation) : null,
    default: p.default,
    notNull: p['not null'] === true,
    constraints: (object.details.constraints ?? []) as readonly { ident: string; definition: string }[],
    attributes: (object.details.attributes ?? []) as readonly string[],
    subtype: p.subtype,
  });
  // A base type needs C functions (input, output) that only an extension can supply.
  if (create === null) return `-- type ${name} is a base type, which sqlmig dump cannot write`;
  return withComment(create, p.kind === 'domain' ? 'DOMAIN' : 'TYPE', name, object);
}

function renderFunction(object: SchemaObject): string {
  const name = ident(object);
  const kind = object.properties.kind;
  if (kind === 'aggregate') {
    const a = object.details.aggregate as AggregateParts | null;
    if (!a) return `-- aggregate ${name}: its parts could not be read`;
    const parts = [`SFUNC = ${a.sfunc}`, `STYPE = ${a.stype}`];
    if (a.finalfunc) parts.push(`FINALFUNC = ${a.finalfunc}`);
    if (a.combinefunc) parts.push(`COMBINEFUNC = ${a.combinefunc}`);
    if (a.initcond !== null) parts.push(`INITCOND = ${literal(a.initcond)}`);
    if (a.sortop) parts.push(`SORTOP = ${a.sortop.replace(/\(.*$/, '')}`);
    return withComment(`CREATE AGGREGATE ${name} (${block(parts)});`, 'AGGREGATE', name, object);
  }
  return withComment(createFunction(text(object.details.source)), kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION', name, object);
}

/** Only what differs from CREATE SEQUENCE's defaults is written. */
function renderSequence(object: SchemaObject): RenderedStatement[] {
  const statements = [statement(object, RANK.sequence, createSequence(ident(object), object.properties))];
  const owner = object.details['owned by'];
  const ownerKey = object.details['owner key'];
  if (typeof owner === 'string' && typeof ownerKey === 'string') {
    statements.push(part(object, 'owned by', RANK['owned by'], [ownerKey], `ALTER SEQUENCE ${ident(object)} OWNED BY ${owner};`));
  }
  return statements;
}

function renderTable(object: SchemaObject, schema: SchemaIndex): RenderedStatement[] {
  const p = object.properties;
  const key = objectKey(object);
  const name = ident(object);
  if (p.kind === 'foreign table') {
    return [statement(object, RANK.table, `-- foreign table ${name} is not written by sqlmig dump (it needs its server)`)];
  }
  const columns = schema
    .members(key)
    .filter((m) => m.kind === 'column')
    .sort((a, b) => Number(a.details.position) - Number(b.details.position));
  const partitionOf = object.details['partition of'];
  const create = createTable(name, {
    unlogged: p.unlogged === true,
    foreign: false,
    // A partition takes its columns from the parent; only its own defaults and NOT NULLs are set after.
    partitionOf: typeof partitionOf === 'string' ? { parent: partitionOf, bound: text(object.details['partition bound']) } : null,
    elements: columns.filter((c) => c.details.local !== false).map(columnDefinition),
    inherits: (object.details.inherits ?? []) as readonly string[],
    partitionKey: p['partition key'] ? text(p['partition key']) : null,
    options: p.options ? text(p.options) : null,
  });
  const lines = [create];
  if (typeof partitionOf === 'string') lines.push(...partitionDefaults(object, columns, schema));
  lines.push(...rowSecurity(name, p['row security']));
  if (p.comment !== null && p.comment !== undefined) lines.push(commentOn('TABLE', name, p.comment));
  for (const column of columns) {
    const comment = column.properties.comment;
    if (comment !== null && comment !== undefined) lines.push(commentOn('COLUMN', `${name}.${text(column.details.ident)}`, comment));
  }
  const dependsOn = new Set(object.dependsOn);
  for (const column of columns) for (const d of column.dependsOn) dependsOn.add(d);
  dependsOn.delete(key);
  return [{ key, object: key, rank: RANK.table, dependsOn: [...dependsOn].sort(), sql: lines.join('\n') }];
}

/**
 * A partition takes its parent's column defaults when it is created (PARTITION
 * OF); a table attached later keeps its own. What differs is set after.
 */
function partitionDefaults(partition: SchemaObject, columns: readonly SchemaObject[], schema: SchemaIndex): string[] {
  const parentKey = text(partition.details['partition of key']);
  const parentName = parentKey.replace(/^table /, '');
  const name = ident(partition);
  const lines: string[] = [];
  for (const column of columns) {
    if (column.properties.generated) continue;
    const own = column.properties.default ?? null;
    const inherited = schema.get(`column ${parentName}.${column.name.slice(partition.name.length + 1)}`)?.properties.default ?? null;
    if (own === inherited) continue;
    const change = own === null ? 'DROP DEFAULT' : `SET DEFAULT ${text(own)}`;
    lines.push(`ALTER TABLE ONLY ${name} ALTER COLUMN ${text(column.details.ident)} ${change};`);
  }
  return lines;
}

/** Constraints a table inherits (from a partitioned parent or INHERITS) come with the parent's. */
function renderConstraint(object: SchemaObject): RenderedStatement[] {
  if (object.details.local === false) return [];
  const foreign = object.details.type === 'f';
  const table = text(object.details.table);
  return [
    statement(
      object,
      foreign ? RANK['foreign key'] : RANK.constraint,
      addConstraint(table, text(object.details.ident), text(object.properties.definition)),
    ),
  ];
}

/**
 * Indexes behind constraints come with the constraint. An index of a partition
 * attached to its parent's index is created on the partition and then attached
 * (the parent's own definition says `ON ONLY`, so it does not create them).
 */
function renderIndex(object: SchemaObject): RenderedStatement[] {
  if (object.parent?.startsWith('constraint ')) return [];
  const statements = [statement(object, RANK.index, `${text(object.properties.definition)};`)];
  const attachedTo = object.details['attached to'];
  const parentKey = object.details['attached to key'];
  if (typeof attachedTo === 'string' && typeof parentKey === 'string') {
    statements.push(part(object, 'attach', RANK.index, [parentKey], `ALTER INDEX ${attachedTo} ATTACH PARTITION ${ident(object)};`));
  }
  return statements;
}

function renderView(object: SchemaObject): string {
  const name = ident(object);
  return withComment(createView(name, object.properties), viewKeyword(object.properties.kind), name, object);
}

/** A trigger a partition clones from its parent's comes with the parent's. */
function renderTrigger(object: SchemaObject): RenderedStatement[] {
  if (object.details.cloned === true) return [];
  const lines = createTrigger(text(object.properties.definition), text(object.details.table), text(object.details.ident), object.properties.enabled);
  return [statement(object, RANK.trigger, lines.join('\n'))];
}

function renderPolicy(object: SchemaObject): string {
  const p = object.properties;
  return createPolicy(text(object.details.ident), {
    table: text(object.details.table),
    permissive: p.permissive,
    command: p.command,
    roles: (object.details.roles ?? []) as readonly string[],
    using: p.using,
    withCheck: p['with check'],
  });
}

function statement(object: SchemaObject, rank: number, sql: string): RenderedStatement {
  const key = objectKey(object);
  return { key, object: key, rank, dependsOn: object.dependsOn.filter((d) => d !== key), sql };
}

function part(object: SchemaObject, name: string, rank: number, dependsOn: string[], sql: string): RenderedStatement {
  const key = objectKey(object);
  return { key: `${key} #${name}`, object: key, rank, dependsOn: [key, ...dependsOn], sql };
}

function withComment(create: string, what: string, name: string, object: SchemaObject): string {
  return commented(create, what, name, object.properties.comment);
}

function ident(object: SchemaObject): string {
  return text(object.details.ident);
}

function insertSorted<T>(list: T[], item: T, before: (a: T, b: T) => number): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(list[mid]!, item) <= 0) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, item);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

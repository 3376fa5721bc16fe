/**
 * Catalog objects → the SQL that creates them. Pure: what the catalog says
 * (snapshot properties, deparsed by the server itself) is written back as
 * CREATE / ALTER / COMMENT statements, with no owners and no privileges.
 * `sqlmig diff` renders the objects it adds with the same functions.
 */
import { objectKey, type AggregateParts, type SchemaObject } from './catalog.js';

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

const INDENT = '    ';

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
      return object.name === 'plpgsql' ? [] : [statement(object, RANK.extension, `CREATE EXTENSION ${ident(object)} WITH SCHEMA ${text(object.details.schema)};`)];
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
  const p = column.properties;
  const parts = [text(column.details.ident), text(p.type)];
  if (column.details.collation) parts.push(`COLLATE ${text(column.details.collation)}`);
  if (p.generated) parts.push(`GENERATED ALWAYS AS (${text(p.generated)}) STORED`);
  if (p.identity) parts.push(`GENERATED ${p.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`);
  if (p.default) parts.push(`DEFAULT ${text(p.default)}`);
  if (p['not null'] === true && !p.identity) parts.push('NOT NULL');
  return parts.join(' ');
}

/** A string literal (standard_conforming_strings, the default since PostgreSQL 9.1). */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function renderSchemaObject(object: SchemaObject): RenderedStatement[] {
  // Every new database has the schema public, with this comment.
  if (object.name === 'public') {
    const comment = object.properties.comment;
    if (comment === 'standard public schema') return [];
    return [statement(object, RANK.schema, `COMMENT ON SCHEMA public IS ${comment === null ? 'NULL' : literal(text(comment))};`)];
  }
  return [statement(object, RANK.schema, withComment(`CREATE SCHEMA ${ident(object)};`, 'SCHEMA', ident(object), object))];
}

function renderType(object: SchemaObject): string {
  const p = object.properties;
  const name = ident(object);
  switch (p.kind) {
    case 'enum':
      return withComment(`CREATE TYPE ${name} AS ENUM (${p.labels ?? ''});`, 'TYPE', name, object);
    case 'domain': {
      const parts = [`CREATE DOMAIN ${name} AS ${text(p['base type'])}`];
      if (object.details.collation) parts.push(`COLLATE ${text(object.details.collation)}`);
      if (p.default) parts.push(`DEFAULT ${text(p.default)}`);
      if (p['not null'] === true) parts.push('NOT NULL');
      const constraints = (object.details.constraints ?? []) as readonly { ident: string; definition: string }[];
      for (const c of constraints) parts.push(`CONSTRAINT ${c.ident} ${c.definition}`);
      return withComment(`${parts.join(`\n${INDENT}`)};`, 'DOMAIN', name, object);
    }
    case 'composite': {
      const attributes = (object.details.attributes ?? []) as readonly string[];
      return withComment(`CREATE TYPE ${name} AS (${block(attributes)});`, 'TYPE', name, object);
    }
    case 'range':
      return withComment(`CREATE TYPE ${name} AS RANGE (SUBTYPE = ${text(p.subtype)});`, 'TYPE', name, object);
    default:
      // A base type needs C functions (input, output) that only an extension can supply.
      return `-- type ${name} is a base type, which sqlmig dump cannot write`;
  }
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
  const source = text(object.details.source).trimEnd();
  return withComment(`${source};`, kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION', name, object);
}

const TYPE_MAX: Record<string, string> = { smallint: '32767', integer: '2147483647', bigint: '9223372036854775807' };
const TYPE_MIN: Record<string, string> = { smallint: '-32768', integer: '-2147483648', bigint: '-9223372036854775808' };

/** Only what differs from CREATE SEQUENCE's defaults is written. */
function renderSequence(object: SchemaObject): RenderedStatement[] {
  const p = object.properties;
  const type = text(p.type);
  const ascending = !text(p.increment).startsWith('-');
  const defaultMin = ascending ? '1' : TYPE_MIN[type];
  const defaultMax = ascending ? TYPE_MAX[type] : '-1';
  const parts = [`CREATE SEQUENCE ${ident(object)}`];
  if (type !== 'bigint') parts.push(`AS ${type}`);
  const min = text(p.min);
  const max = text(p.max);
  if (p.start !== (ascending ? min : max)) parts.push(`START WITH ${text(p.start)}`);
  if (p.increment !== '1') parts.push(`INCREMENT BY ${text(p.increment)}`);
  if (min !== defaultMin) parts.push(`MINVALUE ${min}`);
  if (max !== defaultMax) parts.push(`MAXVALUE ${max}`);
  if (p.cache !== '1') parts.push(`CACHE ${text(p.cache)}`);
  if (p.cycle === true) parts.push('CYCLE');
  const statements = [statement(object, RANK.sequence, `${parts.join(' ')};`)];
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
  const lines: string[] = [];
  const partitionOf = object.details['partition of'];
  let head = `CREATE ${p.unlogged === true ? 'UNLOGGED ' : ''}TABLE ${name}`;
  if (typeof partitionOf === 'string') {
    // A partition takes its columns from the parent; only its own defaults and NOT NULLs are set after.
    head += ` PARTITION OF ${partitionOf}\n${INDENT}${text(object.details['partition bound'])}`;
  } else {
    head += ` (${block(columns.filter((c) => c.details.local !== false).map(columnDefinition))})`;
    const inherits = (object.details.inherits ?? []) as readonly string[];
    if (inherits.length > 0) head += `\nINHERITS (${inherits.join(', ')})`;
  }
  if (p['partition key']) head += `\nPARTITION BY ${text(p['partition key'])}`;
  if (p.options) head += `\nWITH (${text(p.options)})`;
  lines.push(`${head};`);
  if (typeof partitionOf === 'string') lines.push(...partitionDefaults(object, columns, schema));
  if (p['row security'] === 'enabled' || p['row security'] === 'forced') lines.push(`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;`);
  if (p['row security'] === 'forced') lines.push(`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY;`);
  if (p.comment !== null && p.comment !== undefined) lines.push(`COMMENT ON TABLE ${name} IS ${literal(text(p.comment))};`);
  for (const column of columns) {
    const comment = column.properties.comment;
    if (comment !== null && comment !== undefined) lines.push(`COMMENT ON COLUMN ${name}.${text(column.details.ident)} IS ${literal(text(comment))};`);
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
      `ALTER TABLE ${table}\n${INDENT}ADD CONSTRAINT ${text(object.details.ident)} ${text(object.properties.definition)};`,
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
  const p = object.properties;
  const materialized = p.kind === 'materialized view';
  const name = ident(object);
  const options = p.options ? ` WITH (${text(p.options)})` : '';
  const definition = text(p.definition).trimEnd().replace(/;$/, '');
  const create = `CREATE ${materialized ? 'MATERIALIZED ' : ''}VIEW ${name}${options} AS\n${definition.replace(/^ (?=\S)/, INDENT.slice(1))};`;
  return withComment(create, materialized ? 'MATERIALIZED VIEW' : 'VIEW', name, object);
}

/** A trigger a partition clones from its parent's comes with the parent's. */
function renderTrigger(object: SchemaObject): RenderedStatement[] {
  if (object.details.cloned === true) return [];
  const lines = [`${text(object.properties.definition)};`];
  const table = text(object.details.table);
  const name = text(object.details.ident);
  const enabled = object.properties.enabled;
  if (enabled === 'D') lines.push(`ALTER TABLE ${table} DISABLE TRIGGER ${name};`);
  if (enabled === 'R') lines.push(`ALTER TABLE ${table} ENABLE REPLICA TRIGGER ${name};`);
  if (enabled === 'A') lines.push(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${name};`);
  return [statement(object, RANK.trigger, lines.join('\n'))];
}

function renderPolicy(object: SchemaObject): string {
  const p = object.properties;
  const parts = [`CREATE POLICY ${text(object.details.ident)} ON ${text(object.details.table)}`];
  if (p.permissive === false) parts.push('AS RESTRICTIVE');
  if (p.command && p.command !== 'ALL') parts.push(`FOR ${text(p.command)}`);
  const roles = (object.details.roles ?? []) as readonly string[];
  if (roles.length > 0 && !(roles.length === 1 && roles[0] === 'PUBLIC')) parts.push(`TO ${roles.join(', ')}`);
  if (p.using) parts.push(`USING (${text(p.using)})`);
  if (p['with check']) parts.push(`WITH CHECK (${text(p['with check'])})`);
  return `${parts.join(`\n${INDENT}`)};`;
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
  const comment = object.properties.comment;
  if (comment === null || comment === undefined) return create;
  return `${create}\nCOMMENT ON ${what} ${name} IS ${literal(text(comment))};`;
}

/** `(\n    a,\n    b\n)`, or `()` when empty. */
function block(items: readonly string[]): string {
  if (items.length === 0) return '';
  return `\n${items.map((item) => INDENT + item).join(',\n')}\n`;
}

function ident(object: SchemaObject): string {
  return text(object.details.ident);
}

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
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

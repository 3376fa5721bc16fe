/**
 * The SQL that defines one catalog object: the single renderer of CREATE
 * statements (and the COMMENT, ENABLE … that complete them) for `dump`
 * (render.ts) and `diff` (src/diff/statements.ts). Pure. Its inputs are names
 * already quoted and the catalog's own deparsed text; what a migration adds on
 * top (IF NOT EXISTS, CONCURRENTLY, NOT VALID, USING INDEX, stages) is diff's.
 */
import type { PropertyValue } from '../verify/snapshot.js';

/** Indentation of the lines inside a statement's parentheses and of its later clauses. */
export const INDENT = '    ';

/**
 * Keywords that cannot stand unquoted as a name (`SELECT word FROM
 * pg_get_keywords() WHERE catcode <> 'U'` on PostgreSQL 15): what the
 * server's quote_ident quotes besides case and characters.
 */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast ' +
    'char character check coalesce collate collation column concurrently constraint create cross current_catalog ' +
    'current_date current_role current_schema current_time current_timestamp current_user dec decimal default deferrable ' +
    'desc distinct do else end except exists extract false fetch float for foreign freeze from full grant greatest group ' +
    'grouping having ilike in initially inner inout int integer intersect interval into is isnull join lateral leading ' +
    'least left like limit localtime localtimestamp national natural nchar none normalize not notnull null nullif numeric ' +
    'offset on only or order out outer overlaps overlay placing position precision primary real references returning ' +
    'right row select session_user setof similar smallint some substring symmetric table tablesample then time timestamp ' +
    'to trailing treat trim true union unique user using values varchar variadic verbose when where window with ' +
    'xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable'
  ).split(' '),
);

/** An identifier as quote_ident writes it. */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** `schema.name` (as snapshots write a relation, type or sequence), quoted. */
export function qualified(name: string): string {
  const dot = name.indexOf('.');
  return `${ident(name.slice(0, dot))}.${ident(name.slice(dot + 1))}`;
}

/** A string literal (standard_conforming_strings, the default since PostgreSQL 9.1). */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The text of a catalog value ('' for none). */
export function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** `COMMENT ON <what> <name> IS '…';`, or `IS NULL` to remove one. */
export function commentOn(what: string, name: string, comment: PropertyValue | undefined): string {
  return `COMMENT ON ${what} ${name} IS ${comment === null || comment === undefined ? 'NULL' : literal(String(comment))};`;
}

/** `create`, followed by the object's comment when it has one. */
export function withComment(create: string, what: string, name: string, comment: PropertyValue | undefined): string {
  return comment === null || comment === undefined ? create : `${create}\n${commentOn(what, name, comment)}`;
}

/** `(\n    a,\n    b\n)` inside parentheses, or nothing when empty. */
export function block(items: readonly string[]): string {
  if (items.length === 0) return '';
  return `\n${items.map((item) => INDENT + item).join(',\n')}\n`;
}

export function createSchema(name: string): string {
  return `CREATE SCHEMA ${name};`;
}

export function createExtension(name: string, schema: string): string {
  return `CREATE EXTENSION ${name} WITH SCHEMA ${schema};`;
}

/** A column's snapshot properties (type, default, generated, identity, not null). */
type ColumnProperties = Record<string, PropertyValue>;

/** The column as it appears in CREATE TABLE or ALTER TABLE … ADD COLUMN: `email text COLLATE "C" DEFAULT '' NOT NULL`. */
export function columnDefinition(name: string, p: ColumnProperties, collation: string | null): string {
  const parts = [name, text(p.type)];
  if (collation) parts.push(`COLLATE ${collation}`);
  if (p.generated) parts.push(`GENERATED ALWAYS AS (${text(p.generated)}) STORED`);
  if (p.identity) parts.push(`GENERATED ${p.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`);
  if (p.default) parts.push(`DEFAULT ${text(p.default)}`);
  // An identity column is NOT NULL by definition.
  if (p['not null'] === true && !p.identity) parts.push('NOT NULL');
  return parts.join(' ');
}

export interface TableParts {
  unlogged: boolean;
  foreign: boolean;
  /** A partition's parent (quoted) and bound (`FOR VALUES …`, `DEFAULT`); its columns come from the parent. */
  partitionOf: { parent: string; bound: string } | null;
  /** Columns and table constraints, for a table that is no partition. */
  elements: readonly string[];
  /** Parent tables, quoted. */
  inherits: readonly string[];
  partitionKey: string | null;
  options: string | null;
}

export function createTable(name: string, t: TableParts): string {
  let sql = `CREATE ${t.unlogged ? 'UNLOGGED ' : ''}${t.foreign ? 'FOREIGN ' : ''}TABLE ${name}`;
  if (t.partitionOf) {
    sql += ` PARTITION OF ${t.partitionOf.parent}\n${INDENT}${t.partitionOf.bound}`;
  } else {
    sql += ` (${block(t.elements)})`;
    if (t.inherits.length > 0) sql += `\nINHERITS (${t.inherits.join(', ')})`;
  }
  if (t.partitionKey) sql += `\nPARTITION BY ${t.partitionKey}`;
  if (t.options) sql += `\nWITH (${t.options})`;
  return `${sql};`;
}

/** The statements that turn row security on (and force it) on a table created without. */
export function rowSecurity(table: string, mode: PropertyValue | undefined): string[] {
  const lines: string[] = [];
  if (mode === 'enabled' || mode === 'forced') lines.push(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;`);
  if (mode === 'forced') lines.push(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;`);
  return lines;
}

/** `ALTER TABLE … ADD CONSTRAINT`; `layout` between the table and the clause (diff keeps it on one line, where a disable comment covers it). */
export function addConstraint(table: string, name: string, definition: string, layout = `\n${INDENT}`): string {
  return `ALTER TABLE ${table}${layout}ADD CONSTRAINT ${name} ${definition};`;
}

export interface TypeParts {
  kind: PropertyValue | undefined;
  /** An enum's labels as literals, comma-separated. */
  labels?: PropertyValue;
  /** A domain's base type, collation (quoted), default, NOT NULL and named constraints. */
  baseType?: PropertyValue;
  collation?: string | null;
  default?: PropertyValue;
  notNull?: boolean;
  constraints?: readonly { ident: string; definition: string }[];
  /** A composite type's attributes (`name type`). */
  attributes?: readonly string[];
  /** A range type's subtype. */
  subtype?: PropertyValue;
}

/** CREATE TYPE / CREATE DOMAIN, or null for a base type (its C functions only an extension can supply). */
export function createType(name: string, t: TypeParts): string | null {
  switch (t.kind) {
    case 'enum':
      return `CREATE TYPE ${name} AS ENUM (${text(t.labels)});`;
    case 'domain': {
      const parts = [`CREATE DOMAIN ${name} AS ${text(t.baseType)}`];
      if (t.collation) parts.push(`COLLATE ${t.collation}`);
      if (t.default) parts.push(`DEFAULT ${text(t.default)}`);
      if (t.notNull) parts.push('NOT NULL');
      for (const c of t.constraints ?? []) parts.push(`CONSTRAINT ${c.ident} ${c.definition}`);
      return `${parts.join(`\n${INDENT}`)};`;
    }
    case 'composite':
      return `CREATE TYPE ${name} AS (${block(t.attributes ?? [])});`;
    case 'range':
      return `CREATE TYPE ${name} AS RANGE (SUBTYPE = ${text(t.subtype)});`;
    default:
      return null;
  }
}

const TYPE_MAX: Record<string, string> = { smallint: '32767', integer: '2147483647', bigint: '9223372036854775807' };
const TYPE_MIN: Record<string, string> = { smallint: '-32768', integer: '-2147483648', bigint: '-9223372036854775808' };

/** CREATE SEQUENCE from its snapshot properties; only what differs from the defaults is written. */
export function createSequence(name: string, p: Record<string, PropertyValue>): string {
  const type = text(p.type);
  const ascending = !text(p.increment).startsWith('-');
  const defaultMin = ascending ? '1' : TYPE_MIN[type];
  const defaultMax = ascending ? TYPE_MAX[type] : '-1';
  const parts = [`CREATE SEQUENCE ${name}`];
  if (type !== 'bigint') parts.push(`AS ${type}`);
  const min = text(p.min);
  const max = text(p.max);
  if (p.start !== (ascending ? min : max)) parts.push(`START WITH ${text(p.start)}`);
  if (p.increment !== '1') parts.push(`INCREMENT BY ${text(p.increment)}`);
  if (min !== defaultMin) parts.push(`MINVALUE ${min}`);
  if (max !== defaultMax) parts.push(`MAXVALUE ${max}`);
  if (p.cache !== '1') parts.push(`CACHE ${text(p.cache)}`);
  if (p.cycle === true) parts.push('CYCLE');
  return `${parts.join(' ')};`;
}

/** A function or procedure from its source (pg_get_functiondef). */
export function createFunction(source: string): string {
  return `${source.trim()};`;
}

export function viewKeyword(kind: PropertyValue | undefined): string {
  return kind === 'materialized view' ? 'MATERIALIZED VIEW' : 'VIEW';
}

/** CREATE [MATERIALIZED] VIEW from its snapshot properties (kind, options, definition by pg_get_viewdef). */
export function createView(name: string, p: Record<string, PropertyValue>): string {
  const options = p.options ? ` WITH (${text(p.options)})` : '';
  const definition = text(p.definition).trimEnd().replace(/;$/, '');
  return `CREATE ${viewKeyword(p.kind)} ${name}${options} AS\n${definition.replace(/^ (?=\S)/, INDENT.slice(1))};`;
}

/** A trigger (pg_get_triggerdef) and, unless it fires as usual (`O`), how it is enabled. */
export function createTrigger(definition: string, table: string, name: string, enabled: PropertyValue | undefined): string[] {
  const lines = [`${definition};`];
  const how = { D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' }[text(enabled)];
  if (how) lines.push(`ALTER TABLE ${table} ${how} TRIGGER ${name};`);
  return lines;
}

export interface PolicyParts {
  table: string;
  permissive: PropertyValue | undefined;
  command: PropertyValue | undefined;
  /** Quoted, `PUBLIC` for everyone. */
  roles: readonly string[];
  using: PropertyValue | undefined;
  withCheck: PropertyValue | undefined;
}

/** CREATE POLICY; defaults (PERMISSIVE, FOR ALL, TO PUBLIC) left out. */
export function createPolicy(name: string, p: PolicyParts): string {
  const parts = [`CREATE POLICY ${name} ON ${p.table}`];
  if (p.permissive === false) parts.push('AS RESTRICTIVE');
  if (p.command && p.command !== 'ALL') parts.push(`FOR ${text(p.command)}`);
  if (p.roles.length > 0 && !(p.roles.length === 1 && p.roles[0] === 'PUBLIC')) parts.push(`TO ${p.roles.join(', ')}`);
  if (p.using) parts.push(`USING (${text(p.using)})`);
  if (p.withCheck) parts.push(`WITH CHECK (${text(p.withCheck)})`);
  return `${parts.join(`\n${INDENT}`)};`;
}

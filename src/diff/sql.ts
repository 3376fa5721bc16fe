/**
 * Quoting and name handling for the SQL that `diff` drafts. Catalog snapshots
 * name objects `schema.relation[.member]` unquoted (src/verify/catalog-sql.ts);
 * this turns them back into SQL names.
 */
import type { CatalogObject } from '../verify/snapshot.js';

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

/** A string literal, as dump writes it. */
export { literal } from '../dump/render.js';

/** `schema.name` (as snapshots write a relation, type or sequence), quoted. */
export function qualified(name: string): string {
  const dot = name.indexOf('.');
  return `${ident(name.slice(0, dot))}.${ident(name.slice(dot + 1))}`;
}

/** The relation a column, constraint, index, trigger or policy belongs to: `public.users` of parent `table public.users`. */
export function relationOf(object: CatalogObject): string {
  const parent = object.parent ?? '';
  return parent.slice(parent.indexOf(' ') + 1);
}

/** The member's own name: `email` of column `public.users.email`. */
export function memberName(object: CatalogObject): string {
  return object.name.slice(relationOf(object).length + 1);
}

/** `schema.name(args)` of a function, quoted: usable in DROP FUNCTION and COMMENT ON FUNCTION. */
export function functionSignature(name: string): string {
  const open = name.indexOf('(');
  return `${qualified(name.slice(0, open))}${name.slice(open)}`;
}

/** The text of a string property, or null. */
export function text(object: CatalogObject, property: string): string | null {
  const value = object.properties[property];
  return typeof value === 'string' ? value : null;
}

/** Whether SQL text names `name` as a whole word (quoted or not): an over-approximation of what a definition reads. */
export function mentions(definition: string, name: string): boolean {
  return new RegExp(`(^|[^a-zA-Z0-9_$])"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^a-zA-Z0-9_$])`).test(definition);
}

/** An enum's labels as quoted literals (`'active'`), in order. */
export function enumLabels(type: CatalogObject): string[] {
  return (text(type, 'labels') ?? '').match(/'(?:[^']|'')*'/g) ?? [];
}

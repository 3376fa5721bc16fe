/**
 * Quoting and name handling for the SQL that `diff` drafts. Catalog snapshots
 * name objects `schema.relation[.member]` unquoted (src/verify/catalog-sql.ts);
 * this turns them back into SQL names.
 */
import { qualified } from '../dump/definitions.js';
import type { CatalogObject } from '../verify/snapshot.js';

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

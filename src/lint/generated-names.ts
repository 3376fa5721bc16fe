/**
 * The names PostgreSQL gives unnamed constraints and indexes, so rules can
 * tell that `DROP CONSTRAINT orders_user_id_fkey` drops the unnamed
 * `REFERENCES users` of `orders.user_id`.
 */
import type { ConstraintKind } from '../parse/types.js';

/** PostgreSQL identifiers are at most 63 bytes (NAMEDATALEN - 1). */
const MAX_IDENTIFIER = 63;

/** The label PostgreSQL ends the name with, by constraint kind. */
export const CONSTRAINT_LABELS: Record<ConstraintKind, string> = {
  'primary-key': 'pkey',
  unique: 'key',
  'foreign-key': 'fkey',
  check: 'check',
  exclusion: 'excl',
  'not-null': 'not_null',
};

export const INDEX_LABEL = 'idx';

/**
 * `<table>_<columns>_<label>` shortened as PostgreSQL's makeObjectName does
 * (the longer of the two parts loses characters first). The name of a
 * primary key has no columns; a CHECK without known columns neither.
 * PostgreSQL appends a number when the name is taken, which is not modelled.
 */
export function generatedName(table: string, columns: readonly string[], label: string): string {
  const name2 = label === 'pkey' ? '' : columns.join('_');
  const available = MAX_IDENTIFIER - (label.length + 1) - (name2 ? 1 : 0);
  let tableChars = table.length;
  let columnChars = name2.length;
  while (tableChars + columnChars > available) {
    if (tableChars > columnChars) tableChars--;
    else columnChars--;
  }
  const tablePart = tableChars === table.length ? table : table.slice(0, tableChars);
  if (!name2) return `${tablePart}_${label}`;
  return `${tablePart}_${columnChars === name2.length ? name2 : name2.slice(0, columnChars)}_${label}`;
}

/**
 * Whether `name` could be one PostgreSQL generated for `table` with `label`:
 * it ends in the label (and maybe a number) and starts with as much of the
 * table name as PostgreSQL keeps (at least half the room; the longer part is
 * shortened first). Columns are not compared: an expression index, for one,
 * is named after the expression.
 */
export function couldBeGeneratedName(name: string, table: string, label: string): boolean {
  const kept = Math.floor((MAX_IDENTIFIER - (label.length + 1) - 1) / 2);
  return name.startsWith(table.slice(0, kept)) && endsWithLabel(name, label);
}

/** Whether `name` ends in `_<label>`, maybe followed by a number (PostgreSQL's suffix for a name taken). */
export function endsWithLabel(name: string, label: string): boolean {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) >= 48 && name.charCodeAt(end - 1) <= 57) end--;
  return name.endsWith(`_${label}`, end);
}

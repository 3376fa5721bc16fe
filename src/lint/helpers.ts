/** Small helpers rules share. */
import type { Statement } from '../parse/types.js';
import type { LintFile } from './rule.js';
import { objectKey } from './schema.js';

// Spans live apart so that the schema model, which this file imports, can use them too.
export { headSpan, pointAt } from './spans.js';

/** `schema.name` as it would be written (quoted where needed). */
export function displayName(name: { schema?: string; name: string }): string {
  return name.schema !== undefined ? `${quoteIdent(name.schema)}.${quoteIdent(name.name)}` : quoteIdent(name.name);
}

export function quoteIdent(identifier: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(identifier) ? identifier : `"${identifier.replaceAll('"', '""')}"`;
}

/** A test for names matching any of `patterns`, where `*` stands for any run of characters (case-insensitive). */
export function patternMatcher(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => false;
  const regex = new RegExp(`^(?:${patterns.map((pattern) => pattern.split('*').map(escapeRegExp).join('.*')).join('|')})$`, 'i');
  return (name) => regex.test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a statement after `statement` in `file` creates table `table` again (a rebuild or copy-and-swap keeps the name alive). */
export function tableCreatedLater(file: LintFile, statement: Statement, table: { schema?: string; name: string }): boolean {
  const key = objectKey(table);
  return file.statements.some((later) => later.start > statement.start && later.view.kind === 'create-table' && objectKey(later.view.table) === key);
}

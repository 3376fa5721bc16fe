/** Small helpers rules share. */
import type { Span, Statement } from '../parse/types.js';
import type { LintFile } from './rule.js';
import { objectKey } from './schema.js';

/** The statement's first line: where a diagnostic about the statement as a whole points. */
export function headSpan(statement: Statement): Span {
  const newline = statement.text.indexOf('\n');
  const length = newline === -1 ? statement.text.length : statement.text.slice(0, newline).trimEnd().length;
  return {
    start: statement.start,
    end: statement.start + length,
    line: statement.line,
    column: statement.column,
    endLine: statement.line,
    endColumn: statement.column + length,
  };
}

/** The most precise span of `span` and the statement: its own if it is not the whole statement, else the head. */
export function pointAt(span: Span, statement: Statement): Span {
  return span.start === statement.start && span.end === statement.end ? headSpan(statement) : span;
}

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

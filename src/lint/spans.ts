/** Where findings about a statement point. */
import type { Span, Statement } from '../parse/types.js';

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

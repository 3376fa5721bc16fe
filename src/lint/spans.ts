/** Where findings about a statement point. */
import { isWhitespace } from '../parse/lexer.js';
import type { Span, Statement } from '../parse/types.js';

/** The statement's first line: where a diagnostic about the statement as a whole points. */
export function headSpan(statement: Statement): Span {
  const { text } = statement;
  const newline = text.indexOf('\n');
  let length = newline === -1 ? text.length : newline;
  // The first line without its trailing whitespace (a CR, spaces), found in place rather than sliced and trimmed.
  if (newline !== -1) while (length > 0 && isWhitespace(text.charCodeAt(length - 1))) length--;
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

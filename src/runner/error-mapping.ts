/**
 * Server error positions → file:line:column. PostgreSQL reports `position`
 * as a 1-based offset in characters (bytes in SQL_ASCII databases) into the
 * whole message it received, so the runner subtracts what it sent before the
 * file's text, and counts in the same unit.
 */

import type { ServerErrorFields } from '../db/port.js';

export type PositionUnit = 'character' | 'byte';

/** PostgreSQL's message with its SQLSTATE, e.g. `relation "x" does not exist (SQLSTATE 42P01)`. */
export function serverMessage(error: ServerErrorFields): string {
  return error.code ? `${error.message} (SQLSTATE ${error.code})` : error.message;
}

export interface FileLocation {
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
}

/** Length of `text` in the unit the server counts positions in. */
export function lengthIn(text: string, unit: PositionUnit): number {
  if (unit === 'byte') return Buffer.byteLength(text, 'utf8');
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** The string offset in `text` of a server's 1-based `position` into it (counted in `unit`). */
export function stringOffsetOf(text: string, position: number, unit: PositionUnit): number {
  const before = unit === 'byte' ? Buffer.from(text, 'utf8').subarray(0, position - 1).toString('utf8') : [...text].slice(0, position - 1).join('');
  return before.length;
}

/**
 * Maps a server `position` into a file whose text was sent after `prefix`.
 * Undefined when it points before the file; a position just past the file's
 * end (in the runner's own separator, e.g. "syntax error at end of input")
 * maps to the end of the file.
 */
export function locateInFile(
  position: number,
  prefix: string,
  fileText: string,
  unit: PositionUnit,
): FileLocation | undefined {
  const offset = position - 1 - lengthIn(prefix, unit);
  if (offset < 0) return undefined;
  const fileLength = lengthIn(fileText, unit);
  if (offset > fileLength + SEPARATOR_SLACK) return undefined;
  return locationAt(fileText, Math.min(offset, fileLength), unit);
}

/**
 * Where an error is in a statement sent on its own: at the server's
 * `position` within it, else at the statement's start (`start`: its string
 * offset in `fileText`).
 */
export function locateInStatement(fileText: string, start: number, position: number | undefined, unit: PositionUnit): FileLocation {
  const statementStart = lengthIn(fileText.slice(0, start), unit);
  return locationAt(fileText, statementStart + (position === undefined ? 0 : position - 1), unit);
}

/** The runner's separator after a file (`\n;\n`): a position on it means "at the end of the file". */
const SEPARATOR_SLACK = 2;

/** Line and column of the `offset`-th unit of `text`. */
export function locationAt(text: string, offset: number, unit: PositionUnit): FileLocation {
  let line = 1;
  let column = 1;
  let consumed = 0;
  for (const char of text) {
    if (consumed >= offset) break;
    consumed += unit === 'byte' ? Buffer.byteLength(char, 'utf8') : 1;
    if (char === '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return { line, column };
}

import type { ScriptStatement } from './script.js';

/**
 * Statements of a no-transaction file, each sent as its own message: a
 * multi-statement message is an implicit transaction, which CREATE INDEX
 * CONCURRENTLY refuses. Until src/parse exposes its statement splitter, the
 * whole file is one message, which is right for the usual one-statement file.
 */
export function splitStatements(text: string): ScriptStatement[] {
  // Leading blank lines and comments (the directive) are skipped so an error without a position points at the SQL.
  const start = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/.exec(text)?.[0].length ?? 0;
  return start === text.length ? [] : [{ text: text.slice(start), start }];
}

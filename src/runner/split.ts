import { MigrationError } from '../errors.js';
import type { MigrationSource } from '../migrations/types.js';
import { loadParser, parseSql } from '../parse/index.js';
import type { ScriptStatement } from './script.js';

/** Loads the SQL parser when one of `sources` runs outside a transaction (the only files split). */
export async function loadSplitterFor(sources: readonly MigrationSource[]): Promise<void> {
  if (sources.some((source) => source.directives.noTransaction)) await loadParser();
}

/**
 * The top-level statements of a no-transaction file, each to be sent as its
 * own message: a multi-statement message is an implicit transaction, which
 * CREATE INDEX CONCURRENTLY refuses. A file that does not parse is refused
 * here, before anything runs or is marked dirty.
 */
export function splitStatements(source: MigrationSource): ScriptStatement[] {
  const parsed = parseSql(source.text);
  const error = parsed.errors[0];
  if (error) {
    throw new MigrationError(`${error.message} (nothing was run)`, {
      location: { file: source.file.path, line: error.span.line, column: error.span.column },
      hint: 'fix the syntax error (`sqlmig lint` shows every one), then run the command again',
    }, 'MIGRATION_SYNTAX');
  }
  return parsed.statements.filter((statement) => !statement.embedded).map((statement) => ({ text: statement.text, start: statement.start }));
}

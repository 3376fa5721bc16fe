import { MigrationError } from '../errors.js';
import type { MigrationSource } from '../migrations/types.js';
import type { ScriptStatement } from './script.js';

/** The SQL parser, imported only when a file is to be split: most runs never need it. */
let parser: typeof import('../parse/index.js') | undefined;

/** Loads the SQL parser when one of `sources` runs outside a transaction (the only files split). */
export async function loadSplitterFor(sources: readonly MigrationSource[]): Promise<void> {
  if (!parser && sources.some((source) => source.directives.noTransaction)) {
    const module = await import('../parse/index.js');
    await module.loadParser();
    parser = module;
  }
}

/**
 * The top-level statements of a no-transaction file, each to be sent as its
 * own message: a multi-statement message is an implicit transaction, which
 * CREATE INDEX CONCURRENTLY refuses. A file that does not parse is refused
 * here, before anything runs or is marked dirty.
 */
export function splitStatements(source: MigrationSource): ScriptStatement[] {
  if (!parser) throw new Error('splitStatements() called before `await loadSplitterFor()`');
  const parsed = parser.parseSql(source.text);
  const error = parsed.errors[0];
  if (error) {
    throw new MigrationError(`${error.message} (nothing was run)`, {
      location: { file: source.file.path, line: error.span.line, column: error.span.column },
      hint: 'fix the syntax error (`sqlmig lint` shows every one), then run the command again',
    }, 'MIGRATION_SYNTAX');
  }
  return parsed.statements.filter((statement) => !statement.embedded).map((statement) => ({ text: statement.text, start: statement.start }));
}

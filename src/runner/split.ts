import { MigrationError } from '../errors.js';
import type { MigrationSource } from '../migrations/types.js';
import type { TransactionAction } from '../parse/types.js';
import type { ScriptStatement } from './script.js';

/** The SQL parser, imported only when a file is to be split: most runs never need it. */
let parser: typeof import('../parse/index.js') | undefined;

/**
 * A cheap look for what may be a transaction command at the start of a statement (line start, after `;` or a
 * comment): only such files are parsed before they run in a transaction. PL/pgSQL's BEGIN/END match too, and
 * the parse then tells them apart.
 */
const MAYBE_TRANSACTION_CONTROL = /(?:^|;|\*\/)[ \t]*(?:begin|start|commit|rollback|end|abort|prepare)\b/im;

function mayControlTransactions(source: MigrationSource): boolean {
  return !source.directives.noTransaction && MAYBE_TRANSACTION_CONTROL.test(source.text);
}

/**
 * Loads the SQL parser when one of `sources` runs outside a transaction (the only files split) or may carry its
 * own transaction commands (see refuseTransactionControl).
 */
export async function loadSplitterFor(sources: readonly MigrationSource[]): Promise<void> {
  if (!parser && sources.some((source) => source.directives.noTransaction || mayControlTransactions(source))) {
    const module = await import('../parse/index.js');
    await module.loadParser();
    parser = module;
  }
}

/** What ends or starts the transaction the runner opens around a file (savepoints nest inside it and are fine). */
const ENDS_OUR_TRANSACTION: ReadonlySet<TransactionAction> = new Set(['begin', 'start', 'commit', 'rollback', 'prepare']);

/**
 * Refuses, before anything runs, a file that would run in sqlmig's transaction but carries its own top-level
 * BEGIN / COMMIT / ROLLBACK (also with --no-lint): a COMMIT would commit the statements before it without their
 * tracking row, and a later failure could no longer roll them back.
 */
export function refuseTransactionControl(source: MigrationSource): void {
  if (!mayControlTransactions(source)) return;
  if (!parser) throw new Error('refuseTransactionControl() called before `await loadSplitterFor()`');
  // A file that does not parse is left to the server, which refuses it with its own message before anything commits.
  const found = parser
    .parseSql(source.text)
    .statements.find((statement) => !statement.embedded && statement.view.kind === 'transaction-control' && ENDS_OUR_TRANSACTION.has(statement.view.action));
  if (!found) return;
  const command = /^\w+(?:\s+transaction)?/i.exec(found.text)?.[0].toUpperCase() ?? 'a transaction command';
  throw new MigrationError(
    `${command} at the top level of a file that sqlmig runs in its own transaction, so it was not run: the file's own transaction ` +
      'commands would end that transaction early, committing the statements before them without their tracking row, beyond any rollback',
    {
      location: { file: source.file.path, line: found.line, column: found.column, source: source.text },
      hint: "delete the file's own BEGIN/COMMIT (sqlmig wraps every file in a transaction), or, if it must control transactions itself, " +
        'make `-- sqlmig:no-transaction` its first line',
    },
    'MIGRATION_TRANSACTION_CONTROL',
  );
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
      location: { file: source.file.path, line: error.span.line, column: error.span.column, source: source.text },
      hint: 'fix the syntax error (`sqlmig lint` shows every one), then run the command again',
    }, 'MIGRATION_SYNTAX');
  }
  return parsed.statements.filter((statement) => !statement.embedded).map((statement) => ({ text: statement.text, start: statement.start }));
}

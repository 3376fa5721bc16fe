import { headSpan } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import type { TransactionAction } from '../src/parse/types.js';

/** What ends or starts the transaction the runner opened (savepoints nest inside it and are fine). */
const FLAGGED: Partial<Record<TransactionAction, string>> = {
  begin: 'BEGIN',
  start: 'START TRANSACTION',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  prepare: 'PREPARE TRANSACTION',
};

const rule: Rule = {
  id: 'transaction-control',
  defaultSeverity: 'error',
  description: 'BEGIN / START TRANSACTION / COMMIT / ROLLBACK / END in a file that sqlmig runs in a transaction',
  rationale:
    'Runner rule: sqlmig wraps each migration in its own transaction, together with its row in the tracking ' +
    'table, so a failure leaves nothing half-applied. A COMMIT in the file ends that transaction early (the ' +
    'rest of the file and the tracking row are no longer atomic), a ROLLBACK silently discards the work, and ' +
    'a BEGIN only draws a warning. Files converted from golang-migrate or Flyway often carry their own ' +
    'BEGIN/COMMIT: delete them. COMMIT/ROLLBACK inside a DO block fail in a transaction too. A file that must ' +
    'control transactions itself starts with `-- sqlmig:no-transaction`.',
  examples: {
    bad: [
      {
        sql: 'BEGIN;\nCREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\nCOMMIT;',
        expect: [{ line: 1, column: 1, endColumn: 6 }, { line: 3, column: 1 }],
      },
      {
        sql: 'START TRANSACTION;\nUPDATE users SET name = lower(name) WHERE name IS NOT NULL;\nEND;',
        expect: [{ line: 1, column: 1 }, { line: 3, column: 1, message: 'END' }],
      },
      {
        sql: 'DO $$\nBEGIN\n  UPDATE users SET name = trim(name) WHERE name <> trim(name);\n  COMMIT;\nEND $$;',
        expect: [{ line: 4, column: 3, endColumn: 9 }],
      },
    ],
    good: [
      { sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);' },
      { sql: '-- sqlmig:no-transaction\nBEGIN;\nUPDATE users SET name = lower(name) WHERE id < 1000;\nCOMMIT;' },
      { sql: 'SAVEPOINT before_backfill;\nUPDATE users SET name = lower(name) WHERE id < 1000;\nRELEASE SAVEPOINT before_backfill;' },
    ],
  },
  check(context) {
    return {
      statement(statement, file) {
        const view = statement.view;
        if (view.kind !== 'transaction-control' || file.directives.noTransaction) return;
        const flagged = FLAGGED[view.action];
        if (!flagged) return;
        // Name it as written: END is COMMIT, ABORT is ROLLBACK, to PostgreSQL.
        const command = flagged.includes(' ') || !view.keyword ? flagged : view.keyword;
        context.report({
          span: headSpan(statement),
          message: statement.embedded
            ? `${command} inside a DO block fails in the transaction sqlmig runs this file in`
            : `${command} in a file that sqlmig already runs in a transaction`,
          hint:
            'remove it: sqlmig wraps each migration in a transaction; a file that must manage transactions ' +
            'itself starts with -- sqlmig:no-transaction',
        });
      },
    };
  },
};

export default rule;

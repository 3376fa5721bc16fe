import { headSpan } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
import type { Statement } from '../src/parse/types.js';

/** How the SET is written, for messages: `SET ROLE`, `SET search_path`. */
function written(name: string): string {
  if (name === 'role') return 'ROLE';
  if (name === 'session_authorization') return 'SESSION AUTHORIZATION';
  if (name === 'session characteristics') return 'SESSION CHARACTERISTICS';
  return name;
}

const rule: Rule = {
  id: 'session-setting',
  defaultSeverity: 'warn',
  description: 'a session-level SET (search_path, ROLE, timeouts, TimeZone, …) that outlives the migration',
  rationale:
    'Runner rule: migrations run one after another on the same connection, so a plain `SET` lasts for the rest ' +
    'of the session and changes how the next migration runs: `SET search_path TO other` makes the next ' +
    "file's unqualified tables land in `other`, `SET ROLE` makes them owned by another role, a " +
    '`statement_timeout` or `lock_timeout` applies to statements it was not written for. In a file that runs ' +
    'in a transaction, `SET LOCAL` ends with it; in a `-- sqlmig:no-transaction` file (where each statement ' +
    'commits on its own), `RESET` the setting at the end of the file. A SET that the same file resets later ' +
    'is not reported.',
  examples: {
    bad: [
      {
        sql: 'SET search_path TO billing;\nCREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);',
        expect: [{ line: 1, column: 1, message: 'SET search_path' }],
      },
      {
        sql: 'CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);\nSET ROLE billing_owner;\nALTER TABLE invoices ADD COLUMN IF NOT EXISTS total numeric;',
        expect: [{ line: 2, column: 1, message: 'SET ROLE' }],
      },
      {
        sql: "-- sqlmig:no-transaction\nSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_total ON invoices (total);",
        expect: [{ line: 2, column: 1, message: 'SET lock_timeout' }],
      },
    ],
    good: [
      { sql: 'SET LOCAL search_path TO billing;\nCREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);' },
      {
        sql: "-- sqlmig:no-transaction\nSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_total ON invoices (total);\nRESET lock_timeout;",
      },
      { sql: 'SET ROLE billing_owner;\nCREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);\nRESET ROLE;' },
      { sql: 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nUPDATE invoices SET total = 0 WHERE total IS NULL;' },
    ],
  },
  check(context) {
    /** Session-level SETs of the file being visited that nothing after them has reset yet, by setting name. */
    let unreset = new Map<string, Statement[]>();
    const report = (statement: Statement, name: string, file: LintFile) => {
      const setting = written(name);
      context.report({
        span: headSpan(statement),
        message: `SET ${setting} lasts for the rest of the session: the migrations after this one run with it too`,
        hint: file.directives.noTransaction
          ? `RESET ${setting} at the end of the file (this file runs outside a transaction, so SET LOCAL would last one statement)`
          : `use SET LOCAL ${setting}, which ends with this migration's transaction`,
      });
    };
    return {
      fileStart() {
        unreset = new Map();
      },
      statement(statement) {
        const view = statement.view;
        if (view.kind !== 'set') return;
        if (view.action === 'reset') {
          if (view.name === 'all') unreset.clear();
          else unreset.delete(view.name);
        } else if (!view.local) {
          unreset.set(view.name, [...(unreset.get(view.name) ?? []), statement]);
        }
      },
      fileEnd(file) {
        for (const [name, statements] of unreset) for (const statement of statements) report(statement, name, file);
      },
    };
  },
};

export default rule;

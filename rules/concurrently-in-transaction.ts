import { headSpan } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';

const rule: Rule = {
  id: 'concurrently-in-transaction',
  defaultSeverity: 'error',
  description: 'CONCURRENTLY, VACUUM and other statements PostgreSQL refuses inside a transaction, in a file that runs in one',
  rationale:
    'Server rule: sqlmig runs each migration inside a transaction, and PostgreSQL refuses some statements there ' +
    '("cannot run inside a transaction block"): CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, ' +
    'REINDEX SCHEMA/SYSTEM/DATABASE, VACUUM, ALTER TABLE … DETACH PARTITION … CONCURRENTLY, CREATE/DROP ' +
    'DATABASE, CREATE/DROP TABLESPACE, ALTER SYSTEM, CLUSTER without a table, DISCARD ALL, COMMIT/ROLLBACK ' +
    'PREPARED and CREATE SUBSCRIPTION that creates a slot. Such a migration fails on every run. Put the ' +
    'statement in a file of its own that starts with `-- sqlmig:no-transaction`. Inside a DO block these ' +
    'statements fail in any file: a DO block always runs as one transaction.',
  examples: {
    bad: [
      {
        sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);',
        expect: [{ line: 1, column: 1, message: 'CREATE INDEX CONCURRENTLY' }],
      },
      { sql: '-- tidy up after the backfill\nVACUUM ANALYZE users;', expect: [{ line: 2, column: 1, message: 'VACUUM' }] },
      {
        sql: "-- sqlmig:no-transaction\nDO $$ BEGIN\n  EXECUTE 'DROP INDEX CONCURRENTLY IF EXISTS idx_users_email';\nEND $$;",
        expect: [{ line: 3, column: 12, message: 'DO block' }],
      },
    ],
    good: [
      { sql: '-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);' },
      { sql: 'CREATE INDEX IF NOT EXISTS idx_users_email ON users (email);\nANALYZE users;' },
    ],
  },
  check(context) {
    return {
      statement(statement, file) {
        const command = statement.notInTransaction;
        if (!command) return;
        if (statement.embedded) {
          context.report({
            span: headSpan(statement),
            message: `${command} cannot run inside a DO block: the block always runs as one transaction`,
            hint: 'run the statement at the top level of a file that starts with -- sqlmig:no-transaction',
          });
        } else if (!file.directives.noTransaction) {
          context.report({
            span: headSpan(statement),
            message: `${command} cannot run inside a transaction block, and this file runs in one`,
            hint: 'move it to a migration of its own whose first line is -- sqlmig:no-transaction',
          });
        }
      },
    };
  },
};

export default rule;

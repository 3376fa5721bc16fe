import { displayName, quoteIdent } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import { alterOfExistingTable } from '../src/lint/schema.js';
import { USERS, USERS_ROWS } from '../src/lint/example-fixtures.js';

const CHECK_NOT_VALID = {
  name: '0002_users_email_not_null_check.up.sql',
  sql: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;',
};
const VALIDATE = {
  name: '0003_validate_users_email_not_null.up.sql',
  sql: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;',
};

const rule: Rule = {
  id: 'set-not-null-scan',
  defaultSeverity: 'error',
  description: 'ALTER COLUMN … SET NOT NULL on an existing table without a validated CHECK (col IS NOT NULL)',
  rationale:
    'SOP "add nullable, backfill, then NOT NULL": SET NOT NULL reads every row to prove there is no NULL while ' +
    'holding an ACCESS EXCLUSIVE lock, which blocks reads and writes for the whole scan. Since PostgreSQL 12 the ' +
    'scan is skipped when a valid CHECK constraint already proves it (PostgreSQL documentation, ALTER TABLE, ' +
    '"SET/DROP NOT NULL"). So take three steps: ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID (a brief lock); ' +
    'in a later migration VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: reads and writes go on); then SET NOT NULL ' +
    '(a brief lock, no scan) and DROP CONSTRAINT the check. Not flagged: a table this migration created, and a ' +
    'column that is NOT NULL already (PostgreSQL then does nothing).',
  examples: {
    bad: [
      {
        name: '0002_users_email_not_null.up.sql',
        sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
        files: [USERS],
        expect: [{ line: 1, column: 19, message: 'ACCESS EXCLUSIVE' }],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessExclusiveLock', scan: true, rewrite: false },
      },
    ],
    good: [
      {
        name: '0004_users_email_not_null.up.sql',
        sql:
          'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n' +
          'ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_not_null;',
        files: [USERS, CHECK_NOT_VALID, VALIDATE],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      {
        name: '0002_users_email_not_null.up.sql',
        sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
        files: [{ name: '0001_create_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text NOT NULL);' }],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      {
        name: '0002_create_teams.up.sql',
        sql:
          'CREATE TABLE IF NOT EXISTS teams (id bigint PRIMARY KEY, name text);\n' +
          'ALTER TABLE teams ALTER COLUMN name SET NOT NULL;',
        files: [USERS],
        effect: { table: 'users', rows: USERS_ROWS, lock: null, scan: false, rewrite: false },
      },
    ],
  },
  check(context) {
    return {
      statement(statement, file) {
        const altered = alterOfExistingTable(statement, file, context.schema);
        if (!altered) return;
        const { view, table } = altered;
        for (const action of view.actions) {
          if (action.type !== 'set-not-null') continue;
          // Already NOT NULL: PostgreSQL does nothing, and reads nothing (verify --trace saw no scan).
          if (table && (table.columns.get(action.column)?.notNull || context.schema.provenNotNull(table, action.column))) continue;
          const column = quoteIdent(action.column);
          const name = displayName(view.table);
          const check = `${view.table.name}_${action.column}_not_null`;
          context.report({
            span: action.span,
            table: view.table,
            message: `SET NOT NULL on ${column} reads every row of ${name} under an ACCESS EXCLUSIVE lock, blocking reads and writes`,
            hint:
              `first ADD CONSTRAINT ${quoteIdent(check)} CHECK (${column} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a ` +
              'later migration, then SET NOT NULL (no scan) and DROP CONSTRAINT the check',
          });
        }
      },
    };
  },
};

export default rule;

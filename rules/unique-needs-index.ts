import { displayName, quoteIdent } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import { alterOfExistingTable } from '../src/lint/schema.js';
import { USERS, USERS_ROWS } from '../src/lint/example-fixtures.js';

const INDEX = {
  name: '0002_index_users_email.up.sql',
  sql: '-- sqlmig:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);',
};

const rule: Rule = {
  id: 'unique-needs-index',
  defaultSeverity: 'error',
  description: 'ADD UNIQUE or ADD PRIMARY KEY that builds its index under lock on an existing table, instead of USING INDEX',
  rationale:
    'SOP "indexes built CONCURRENTLY": ALTER TABLE … ADD UNIQUE / ADD PRIMARY KEY builds the index while holding ' +
    'an ACCESS EXCLUSIVE lock on the table, which blocks reads and writes for the whole build (so does a UNIQUE or ' +
    'PRIMARY KEY column added to it). Build the unique index first with CREATE UNIQUE INDEX CONCURRENTLY in a ' +
    '`-- sqlmig:no-transaction` migration (SHARE UPDATE EXCLUSIVE: reads and writes go on), then in a later one ' +
    '`ADD CONSTRAINT … UNIQUE USING INDEX` (or PRIMARY KEY USING INDEX, on NOT NULL columns), which only takes ' +
    'the lock briefly (PostgreSQL documentation, ALTER TABLE, "ADD table_constraint_using_index"). Not flagged: a ' +
    'table this migration created.',
  examples: {
    bad: [
      {
        name: '0002_users_email_unique.up.sql',
        sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
        files: [USERS],
        expect: [{ line: 1, column: 19, message: 'ACCESS EXCLUSIVE' }],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessExclusiveLock', scan: true, rewrite: false },
      },
    ],
    good: [
      {
        name: '0003_users_email_unique.up.sql',
        sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
        files: [USERS, INDEX],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      {
        name: '0002_create_teams.up.sql',
        sql:
          'CREATE TABLE IF NOT EXISTS teams (id bigint, name text);\n' +
          'ALTER TABLE teams ADD CONSTRAINT teams_pkey PRIMARY KEY (id);\n' +
          'ALTER TABLE teams ADD CONSTRAINT teams_name_key UNIQUE (name);',
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
        const name = displayName(view.table);
        const hint =
          'build it with CREATE UNIQUE INDEX CONCURRENTLY in a -- sqlmig:no-transaction migration, then in a later one ' +
          `ALTER TABLE ${name} ADD CONSTRAINT … UNIQUE (or PRIMARY KEY) USING INDEX <index>`;
        for (const action of view.actions) {
          if (action.type === 'add-constraint') {
            const { constraint } = action;
            if ((constraint.kind !== 'unique' && constraint.kind !== 'primary-key') || constraint.usingIndex !== undefined) continue;
            const kind = constraint.kind === 'unique' ? 'UNIQUE' : 'PRIMARY KEY';
            context.report({
              span: action.span,
              table: view.table,
              message: `adding ${kind} builds its index under an ACCESS EXCLUSIVE lock on ${name}, blocking reads and writes for the whole build`,
              hint,
            });
          } else if (action.type === 'add-column' && (action.column.unique || action.column.primaryKey)) {
            if (action.ifNotExists && table?.columns.has(action.column.name)) continue;
            const kind = action.column.primaryKey ? 'PRIMARY KEY' : 'UNIQUE';
            context.report({
              span: action.span,
              table: view.table,
              message: `adding ${quoteIdent(action.column.name)} as ${kind} builds its index under an ACCESS EXCLUSIVE lock on ${name}, blocking reads and writes for the whole build`,
              hint: `add the column without ${kind}, then ${hint}`,
            });
          }
        }
      },
    };
  },
};

export default rule;

import { displayName, quoteIdent } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import { objectKey, type ObjectKey } from '../src/lint/schema.js';

const rule: Rule = {
  id: 'not-null-needs-default',
  defaultSeverity: 'error',
  description: 'ADD COLUMN … NOT NULL without a DEFAULT on a table that existed before this migration',
  rationale:
    'SOP "add nullable, backfill, then NOT NULL": adding a NOT NULL column without a DEFAULT fails on ' +
    'any table that has rows (every existing row would get NULL), so it passes on a developer’s empty ' +
    'database and breaks the deploy. Add the column nullable (or with a DEFAULT), backfill it, then ' +
    'ALTER COLUMN … SET NOT NULL. A table created earlier in the same file, or emptied by it (TRUNCATE, ' +
    'DELETE without WHERE), has no rows; identity, generated and serial columns fill themselves; so these ' +
    'are fine. A PRIMARY KEY column is NOT NULL too.',
  examples: {
    bad: [
      {
        name: '0002_add_email_to_users.up.sql',
        sql: 'ALTER TABLE users ADD COLUMN IF NOT EXISTS email varchar(255) NOT NULL;',
        files: [{ name: '0001_create_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);' }],
        expect: [{ line: 1, column: 44, endColumn: 71, message: 'email' }],
      },
    ],
    good: [
      {
        name: '0002_add_email_to_users.up.sql',
        sql:
          "ALTER TABLE users ADD COLUMN IF NOT EXISTS email varchar(255) NOT NULL DEFAULT '';\n" +
          'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255);\n' +
          'UPDATE users SET nickname = id::text WHERE nickname IS NULL;\n' +
          'ALTER TABLE users ALTER COLUMN nickname SET NOT NULL;\n' +
          'ALTER TABLE users ADD COLUMN IF NOT EXISTS seq bigint GENERATED ALWAYS AS IDENTITY;',
        files: [{ name: '0001_create_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);' }],
      },
      {
        sql:
          'CREATE TABLE IF NOT EXISTS tags (id bigint PRIMARY KEY);\n' +
          'ALTER TABLE tags ADD COLUMN IF NOT EXISTS label varchar(255) NOT NULL;',
      },
      {
        name: '0002_reset_tokens.up.sql',
        sql: 'DELETE FROM reset_tokens;\nALTER TABLE reset_tokens ADD COLUMN IF NOT EXISTS user_id bigint NOT NULL;',
        files: [{ name: '0001_create_reset_tokens.up.sql', sql: 'CREATE TABLE IF NOT EXISTS reset_tokens (token text PRIMARY KEY);' }],
      },
    ],
  },
  check(context) {
    /** Tables this file emptied (TRUNCATE, DELETE without WHERE). */
    let emptied = new Set<ObjectKey>();
    return {
      fileStart() {
        emptied = new Set();
      },
      statement(statement, file) {
        const view = statement.view;
        if (view.kind === 'truncate') for (const table of view.tables) emptied.add(objectKey(table));
        if (view.kind === 'delete' && !view.hasWhere) emptied.add(objectKey(view.table));
        if (view.kind !== 'alter-table') return;
        const table = context.schema.table(view.table);
        // A table this file created has no rows yet; one the model does not know existed before (ALTER TABLE needs it).
        if (table?.createdIn === file || emptied.has(objectKey(view.table))) return;
        for (const action of view.actions) {
          if (action.type !== 'add-column') continue;
          const { column } = action;
          if (!column.notNull || column.hasDefault || (action.ifNotExists && table?.columns.has(column.name))) continue;
          const name = quoteIdent(column.name);
          context.report({
            span: column.span,
            message: `${name} is added to ${displayName(view.table)} as ${column.primaryKey ? 'a PRIMARY KEY (NOT NULL)' : 'NOT NULL'} without a DEFAULT, which fails when the table has rows`,
            hint: `add ${name} nullable (or with a DEFAULT), backfill it, then ALTER TABLE ${displayName(view.table)} ALTER COLUMN ${name} SET NOT NULL`,
          });
        }
      },
    };
  },
};

export default rule;

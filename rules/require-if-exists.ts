import { displayName, headSpan, quoteIdent } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import type { ObjectKind } from '../src/parse/types.js';

/** DROP statements checked, with how they are written. */
const DROPS: Partial<Record<ObjectKind, string>> = {
  table: 'DROP TABLE',
  index: 'DROP INDEX',
  view: 'DROP VIEW',
  'materialized-view': 'DROP MATERIALIZED VIEW',
  schema: 'DROP SCHEMA',
  sequence: 'DROP SEQUENCE',
  type: 'DROP TYPE',
  domain: 'DROP DOMAIN',
  function: 'DROP FUNCTION',
  procedure: 'DROP PROCEDURE',
  extension: 'DROP EXTENSION',
  trigger: 'DROP TRIGGER',
};

const rule: Rule = {
  id: 'require-if-exists',
  defaultSeverity: 'error',
  description: 'DROP TABLE/INDEX/VIEW/SCHEMA/SEQUENCE/TYPE/FUNCTION/EXTENSION/TRIGGER and DROP COLUMN/CONSTRAINT must be safe to re-run',
  rationale:
    'SOP "safe re-runs": a migration (or its down file) that fails halfway must be able to run again, and ' +
    'a down file must work against a database where the up file only partly applied. Every DROP of a table, ' +
    'index, view, materialized view, schema, sequence, type, domain, function, procedure, extension or ' +
    'trigger, and ALTER TABLE … DROP COLUMN / DROP CONSTRAINT, takes IF EXISTS. Statements inside a DO block ' +
    'are left alone: the block is where such guards are written.',
  examples: {
    bad: [
      { sql: 'DROP TABLE users;', name: '0001_users.down.sql', expect: [{ line: 1, column: 1, endColumn: 17 }] },
      {
        sql: 'DROP INDEX idx_users_email;\nALTER TABLE users DROP COLUMN name, DROP CONSTRAINT users_email_key;',
        name: '0002_users.down.sql',
        expect: [
          { line: 1, column: 1 },
          { line: 2, column: 19, endColumn: 35 },
          { line: 2, column: 37 },
        ],
      },
      {
        sql: 'DROP TRIGGER set_updated_at ON users;\nDROP FUNCTION set_updated_at();',
        name: '0003_trigger.down.sql',
        expect: [{ line: 1, column: 1 }, { line: 2, column: 1 }],
      },
    ],
    good: [
      { sql: 'DROP TABLE IF EXISTS users;', name: '0001_users.down.sql' },
      {
        sql: 'DROP INDEX IF EXISTS idx_users_email;\nALTER TABLE users DROP COLUMN IF EXISTS name, DROP CONSTRAINT IF EXISTS users_email_key;',
        name: '0002_users.down.sql',
      },
      { sql: "DO $$ BEGIN\n  DROP TABLE users;\nEXCEPTION WHEN undefined_table THEN NULL;\nEND $$;", name: '0001_users.down.sql' },
      { sql: 'DROP POLICY tenant_isolation ON users;', name: '0004_policy.down.sql' },
    ],
  },
  check(context) {
    return {
      statement(statement) {
        if (statement.embedded) return;
        const view = statement.view;
        if (view.kind === 'drop') {
          const keyword = DROPS[view.objectType];
          if (keyword && !view.ifExists) {
            const what = view.concurrently ? keyword.replace('INDEX', 'INDEX CONCURRENTLY') : keyword;
            const names = view.objects.map((target) => displayName(target.name)).join(', ');
            const missing = view.objects.length > 1 ? 'one of them does' : 'it does';
            context.report({
              span: headSpan(statement),
              message: `${what} ${names} fails when ${missing} not exist`,
              hint: `write ${what} IF EXISTS so the migration can run again`,
            });
          }
        } else if (view.kind === 'alter-table') {
          for (const action of view.actions) {
            if ((action.type === 'drop-column' || action.type === 'drop-constraint') && !action.ifExists) {
              const clause =
                action.type === 'drop-column' ? `DROP COLUMN ${quoteIdent(action.column)}` : `DROP CONSTRAINT ${quoteIdent(action.name)}`;
              const keyword = action.type === 'drop-column' ? 'DROP COLUMN' : 'DROP CONSTRAINT';
              context.report({
                span: action.span,
                message: `${clause} fails when it does not exist`,
                hint: `write ${keyword} IF EXISTS so the migration can run again`,
              });
            }
          }
        }
      },
    };
  },
};

export default rule;

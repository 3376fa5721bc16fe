import { displayName, pointAt, quoteIdent } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import type { ObjectKind, QualifiedName, Statement } from '../src/parse/types.js';

/** Objects that do not live in a schema, or whose name cannot be qualified (triggers, policies, rules: their table can). */
const UNQUALIFIABLE = new Set<ObjectKind>([
  'schema', 'extension', 'language', 'role', 'database', 'tablespace', 'event-trigger', 'foreign-data-wrapper',
  'foreign-server', 'publication', 'subscription', 'user-mapping', 'access-method', 'cast', 'trigger', 'policy',
  'rule', 'large-object', 'default-acl', 'parameter-acl',
]);

const rule: Rule = {
  id: 'schema-qualified',
  defaultSeverity: 'off',
  description: 'object names without a schema prefix (when the project sets `schema`)',
  rationale:
    'SOP "schema prefix": a migration that writes `users` depends on the search_path of whoever runs it; one ' +
    'that writes `app.users` does not. Teams that keep their objects out of `public` turn this rule on and ' +
    'set `schema` in .migraterc.json; the hint then names that schema. Checked: the tables, views, sequences, ' +
    'types, functions and indexes a statement creates, alters, drops, renames or writes to, and the tables ' +
    'that foreign keys reference. Temporary tables and names that cannot be qualified (indexes being created, ' +
    'triggers, schemas, extensions) are not.',
  examples: {
    bad: [
      {
        sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);',
        schemaName: 'app',
        expect: [{ line: 1, column: 28, endColumn: 33, message: 'users' }],
      },
      {
        sql: 'CREATE TABLE IF NOT EXISTS app.posts (\n  id bigint PRIMARY KEY,\n  user_id bigint REFERENCES users (id)\n);',
        schemaName: 'app',
        expect: [{ line: 3, column: 29 }],
      },
    ],
    good: [
      {
        sql: 'CREATE TABLE IF NOT EXISTS app.users (id bigint PRIMARY KEY);\nCREATE INDEX IF NOT EXISTS users_id ON app.users (id);',
        schemaName: 'app',
      },
      { sql: 'CREATE SCHEMA IF NOT EXISTS app;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TEMP TABLE scratch (id int);', schemaName: 'app' },
    ],
  },
  check(context) {
    let statement: Statement;
    const check = (name: QualifiedName) => {
      if (name.schema !== undefined || name.name === '') return;
      context.report({
        span: pointAt(name.span, statement),
        message: `${displayName(name)} is not schema-qualified`,
        hint: `write ${quoteIdent(context.schemaName)}.${quoteIdent(name.name)}`,
      });
    };
    return {
      statement(visited) {
        statement = visited;
        const view = statement.view;
        switch (view.kind) {
          case 'create-table':
            if (view.temporary) return;
            check(view.table);
            if (view.partitionOf) check(view.partitionOf);
            for (const constraint of [...view.columns.flatMap((column) => column.constraints), ...view.constraints]) {
              if (constraint.references) check(constraint.references.table);
            }
            return;
          case 'create-index':
          case 'create-trigger':
            check(view.table);
            return;
          case 'alter-table':
            check(view.table);
            for (const action of view.actions) {
              if (action.type === 'add-column') {
                for (const constraint of action.column.constraints) if (constraint.references) check(constraint.references.table);
              } else if (action.type === 'add-constraint' && action.constraint.references) {
                check(action.constraint.references.table);
              }
            }
            return;
          case 'drop':
            for (const target of view.objects) {
              if (target.table) check(target.table);
              if (!UNQUALIFIABLE.has(view.objectType)) check(target.name);
            }
            return;
          case 'rename':
            if (view.table) check(view.table);
            if (!UNQUALIFIABLE.has(view.objectType)) check(view.object);
            return;
          case 'create-view':
            check(view.view);
            return;
          case 'create-type':
          case 'alter-type':
            check(view.type);
            return;
          case 'create-function':
            check(view.name);
            return;
          case 'create-sequence':
            check(view.sequence);
            return;
          case 'truncate':
            view.tables.forEach(check);
            return;
          case 'delete':
          case 'update':
          case 'insert':
            check(view.table);
            return;
          default:
            return;
        }
      },
    };
  },
};

export default rule;

import { headSpan } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
import { objectKey } from '../src/lint/schema.js';
import type { Statement, StatementKind } from '../src/parse/types.js';

const SCHEMA_CHANGES = new Set<StatementKind>([
  'create-table', 'create-index', 'alter-table', 'drop', 'rename', 'create-view', 'create-type', 'alter-type',
  'create-function', 'create-trigger', 'create-schema', 'create-sequence', 'create-extension',
]);
const DATA_CHANGES = new Set<StatementKind>(['insert', 'update', 'delete', 'truncate']);

/** Top-level statements and those DO blocks run, in order. */
function executed(file: LintFile): Statement[] {
  return file.statements.flatMap((statement) =>
    statement.view.kind === 'do-block' ? [statement, ...statement.view.statements] : [statement],
  );
}

const rule: Rule = {
  id: 'separate-schema-and-data',
  defaultSeverity: 'off',
  description: 'schema changes (DDL) and data changes (DML) in one migration, apart from backfilling a column it adds',
  rationale:
    'SOP "separate structure and data": a schema migration should be quick, predictable and reversible; data ' +
    'changes can take long, hold locks and need their own review and rollback plan. Keeping them in separate ' +
    'migrations also lets a failed data fix be retried without repeating DDL. One exception is built in: an ' +
    'UPDATE that only sets columns the same file adds is the backfill step of adding a column (add nullable, ' +
    'backfill, set NOT NULL) and belongs with it.',
  examples: {
    bad: [
      {
        sql: "CREATE TABLE IF NOT EXISTS plans (id bigint PRIMARY KEY, name varchar(64));\nINSERT INTO plans VALUES (1, 'free');",
        expect: [{ line: 2, column: 1, message: 'INSERT' }],
      },
      {
        sql: 'ALTER TABLE users ADD COLUMN IF NOT EXISTS plan_id bigint;\nDELETE FROM users WHERE deleted_at IS NOT NULL;',
        expect: [{ line: 2, column: 1 }],
      },
    ],
    good: [
      {
        sql:
          'ALTER TABLE users ADD COLUMN IF NOT EXISTS plan_id bigint;\n' +
          'UPDATE users SET plan_id = 1 WHERE plan_id IS NULL;\n' +
          'ALTER TABLE users ALTER COLUMN plan_id SET NOT NULL;',
      },
      { sql: "INSERT INTO plans (id, name) VALUES (2, 'pro');" },
    ],
  },
  check(context) {
    return {
      fileEnd(file) {
        const statements = executed(file);
        if (!statements.some((statement) => SCHEMA_CHANGES.has(statement.view.kind))) return;
        const added = new Set<string>();
        for (const statement of statements) {
          const view = statement.view;
          if (view.kind === 'alter-table') {
            for (const action of view.actions) {
              if (action.type === 'add-column') added.add(`${objectKey(view.table)}.${action.column.name}`);
            }
          }
          if (!DATA_CHANGES.has(view.kind)) continue;
          if (view.kind === 'update' && view.columns.every((column) => added.has(`${objectKey(view.table)}.${column}`))) continue;
          context.report({
            span: headSpan(statement),
            message: `${view.kind.toUpperCase()} in a migration that also changes the schema`,
            hint: 'move the data change to a migration of its own (a backfill of a column this file adds may stay)',
          });
        }
      },
    };
  },
};

export default rule;

import { displayName, headSpan } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import { objectKey } from '../src/lint/schema.js';
import type { QualifiedName } from '../src/parse/types.js';

const rule: Rule = {
  id: 'destructive-change',
  defaultSeverity: 'warn',
  description: 'DROP TABLE, DROP COLUMN, TRUNCATE, DELETE or UPDATE without WHERE in an up migration',
  rationale:
    'SOP "two-phase drops": data is removed in two releases. First the application stops reading and writing ' +
    'the table or column; a later migration drops it, once no running version needs it and a backup exists. ' +
    'A drop in the same release as the code change breaks the old version still serving traffic during the ' +
    'deploy, and cannot be reverted by the down file (the data is gone). The same holds for TRUNCATE and for ' +
    'DELETE or UPDATE of every row. Down files are not checked (undoing the up file is their job), nor are ' +
    'tables the same file created, and an UPDATE that only fills columns added by the same file or the ' +
    'migration just before is a backfill (generators such as ory/pop put each statement in a migration of its own).',
  examples: {
    bad: [
      { sql: 'DROP TABLE IF EXISTS legacy_sessions;', name: '0007_drop_sessions.up.sql', expect: [{ line: 1, column: 1 }] },
      {
        sql: 'ALTER TABLE users DROP COLUMN IF EXISTS nickname;\nDELETE FROM audit_log;',
        name: '0008_cleanup.up.sql',
        expect: [{ line: 1, column: 19 }, { line: 2, column: 1, message: 'DELETE' }],
      },
      { sql: "UPDATE users SET email = lower(email);", name: '0009_emails.up.sql', expect: [{ line: 1, column: 1 }] },
    ],
    good: [
      { sql: 'DROP TABLE IF EXISTS sessions;', name: '0007_create_sessions.down.sql' },
      { sql: "DELETE FROM users WHERE email LIKE '%@example.invalid';", name: '0008_cleanup.up.sql' },
      {
        sql: "ALTER TABLE users ADD COLUMN IF NOT EXISTS plan varchar(32);\nUPDATE users SET plan = 'free';",
        name: '0009_add_plan.up.sql',
      },
      {
        sql: "UPDATE users SET plan = 'free';",
        name: '0010_backfill_plan.up.sql',
        files: [
          { name: '0001_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);' },
          { name: '0009_add_plan.up.sql', sql: 'ALTER TABLE users ADD COLUMN IF NOT EXISTS plan varchar(32);' },
        ],
      },
    ],
  },
  check(context) {
    /** Tables created and `table.column`s added by the file being visited. */
    let createdTables = new Set<string>();
    let addedColumns = new Set<string>();
    /** Versions of the up file being visited and of the one before it. */
    let versions: number[] = [];
    const justAdded = (table: QualifiedName, column: string) => {
      if (addedColumns.has(`${objectKey(table)}.${column}`)) return true;
      const addedIn = context.schema.table(table)?.columns.get(column)?.addedIn;
      return addedIn !== undefined && versions.includes(addedIn.version);
    };
    return {
      fileStart(file) {
        createdTables = new Set();
        addedColumns = new Set();
        if (file.direction === 'up') versions = [versions[versions.length - 1] ?? file.version, file.version];
      },
      statement(statement, file) {
        if (file.direction !== 'up') return;
        const view = statement.view;
        const report = (span = headSpan(statement), message: string, hint: string) =>
          context.report({ span, message, hint });
        switch (view.kind) {
          case 'create-table':
            createdTables.add(objectKey(view.table));
            return;
          case 'drop': {
            if (view.objectType !== 'table') return;
            const dropped = view.objects.filter((target) => !createdTables.has(objectKey(target.name)));
            if (dropped.length === 0) return;
            report(
              undefined,
              `DROP TABLE ${dropped.map((target) => displayName(target.name)).join(', ')} deletes the data with the table`,
              'drop in two phases: first release code that no longer uses the table, then drop it in a later migration',
            );
            return;
          }
          case 'alter-table': {
            const table = objectKey(view.table);
            for (const action of view.actions) {
              if (action.type === 'add-column') addedColumns.add(`${table}.${action.column.name}`);
              if (action.type !== 'drop-column' || createdTables.has(table) || addedColumns.has(`${table}.${action.column}`)) continue;
              report(
                action.span,
                `DROP COLUMN ${action.column} deletes the column and its data`,
                'drop in two phases: first release code that no longer uses the column, then drop it in a later migration',
              );
            }
            return;
          }
          case 'truncate':
            if (view.tables.every((table) => createdTables.has(objectKey(table)))) return;
            report(undefined, 'TRUNCATE deletes every row', 'delete the rows you mean with DELETE … WHERE, or move the cleanup out of the schema migration');
            return;
          case 'delete':
            if (view.hasWhere || createdTables.has(objectKey(view.table))) return;
            report(undefined, `DELETE without WHERE deletes every row of ${displayName(view.table)}`, 'add a WHERE clause naming the rows to delete');
            return;
          case 'update': {
            const backfill = view.columns.every((column) => justAdded(view.table, column));
            if (view.hasWhere || createdTables.has(objectKey(view.table)) || backfill) return;
            report(undefined, `UPDATE without WHERE overwrites every row of ${displayName(view.table)}`, 'add a WHERE clause naming the rows to change');
            return;
          }
          default:
            return;
        }
      },
    };
  },
};

export default rule;

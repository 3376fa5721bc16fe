import { displayName, headSpan, quoteIdent } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
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
    /** Versions of the up file being visited and of the up file before it. */
    let recentVersions: number[] = [];
    /** `table.column`s this file adds (also to tables the schema model does not know). */
    let addedByFile = new Set<string>();
    const createdBy = (table: QualifiedName, file: LintFile) => context.schema.table(table)?.createdIn === file;
    const justAdded = (table: QualifiedName, column: string) =>
      addedByFile.has(`${objectKey(table)}.${column}`) ||
      recentVersions.includes(context.schema.table(table)?.columns.get(column)?.addedIn?.version ?? NaN);
    return {
      fileStart(file) {
        if (file.direction !== 'up') return;
        recentVersions = [recentVersions[recentVersions.length - 1] ?? file.version, file.version];
        addedByFile = new Set();
      },
      statement(statement, file) {
        if (file.direction !== 'up') return;
        const view = statement.view;
        const report = (message: string, hint: string, span = headSpan(statement)) => context.report({ span, message, hint });
        switch (view.kind) {
          case 'drop': {
            if (view.objectType !== 'table') return;
            const dropped = view.objects.filter((target) => !createdBy(target.name, file));
            if (dropped.length === 0) return;
            report(
              `DROP TABLE ${dropped.map((target) => displayName(target.name)).join(', ')} deletes the data with the table`,
              'drop in two phases: first release code that no longer uses the table, then drop it in a later migration',
            );
            return;
          }
          case 'alter-table': {
            if (view.objectType !== 'table' || createdBy(view.table, file)) return;
            for (const action of view.actions) {
              if (action.type === 'add-column') addedByFile.add(`${objectKey(view.table)}.${action.column.name}`);
              if (action.type !== 'drop-column' || addedByFile.has(`${objectKey(view.table)}.${action.column}`)) continue;
              report(
                `DROP COLUMN ${quoteIdent(action.column)} deletes the column and its data`,
                'drop in two phases: first release code that no longer uses the column, then drop it in a later migration',
                action.span,
              );
            }
            return;
          }
          case 'truncate':
            if (view.tables.every((table) => createdBy(table, file))) return;
            report('TRUNCATE deletes every row', 'delete the rows you mean with DELETE … WHERE, or move the cleanup out of the schema migration');
            return;
          case 'delete':
            if (view.hasWhere || createdBy(view.table, file)) return;
            report(`DELETE without WHERE deletes every row of ${displayName(view.table)}`, 'add a WHERE clause naming the rows to delete');
            return;
          case 'update': {
            // Filling columns that this or the previous migration added is a backfill: nothing is overwritten.
            const backfill = view.columns.every((column) => justAdded(view.table, column));
            if (view.hasWhere || backfill || createdBy(view.table, file)) return;
            report(`UPDATE without WHERE overwrites every row of ${displayName(view.table)}`, 'add a WHERE clause naming the rows to change');
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

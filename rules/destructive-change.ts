import { displayName, headSpan, quoteIdent, tableCreatedLater } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
import { objectKey } from '../src/lint/schema.js';
import type { QualifiedName, Statement } from '../src/parse/types.js';

/**
 * How many up files after its ADD COLUMN an UPDATE of every row still counts as the column's backfill:
 * generators such as ory/pop put each statement in a migration of its own, with constraints between.
 */
const BACKFILL_WINDOW = 8;

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
    'tables the same file created. An UPDATE that only fills columns added by the same file or one of the ' +
    'eight migrations before, and not filled since, is a backfill (generators such as ory/pop put each ' +
    'statement in a migration of its own), also on tables made outside the migrations folder. A DROP TABLE ' +
    'is not reported when the same file creates the table again (a rebuild), when the file first copied its ' +
    'rows into another table (copy-and-swap: INSERT … SELECT … FROM it), or when it says IF EXISTS of a ' +
    'table no earlier migration created (nor `lint.knownTables` lists).',
  examples: {
    bad: [
      {
        sql: 'DROP TABLE IF EXISTS legacy_sessions;',
        name: '0007_drop_sessions.up.sql',
        files: [{ name: '0001_sessions.up.sql', sql: 'CREATE TABLE IF NOT EXISTS legacy_sessions (id bigint PRIMARY KEY);' }],
        expect: [{ line: 1, column: 1 }],
      },
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
      {
        // A backfill a few migrations after the ADD COLUMN, on a table made outside the migrations folder.
        sql: 'UPDATE accounts SET nid = (SELECT id FROM networks LIMIT 1);',
        name: '0013_backfill_nid.up.sql',
        files: [
          { name: '0010_nid.up.sql', sql: 'ALTER TABLE accounts ADD COLUMN nid uuid;' },
          { name: '0011_nid_fk.up.sql', sql: 'ALTER TABLE accounts ADD CONSTRAINT accounts_nid_fk FOREIGN KEY (nid) REFERENCES networks (id);' },
          { name: '0012_nid_index.up.sql', sql: 'CREATE INDEX IF NOT EXISTS accounts_nid_idx ON accounts (nid);' },
        ],
      },
      // No earlier migration created it (nor lint.knownTables lists it): none of the project's data goes.
      { sql: 'DROP TABLE IF EXISTS old_tool_preferences;', name: '0014_cleanup.up.sql' },
      {
        // Copy-and-swap: the rows move to the new table before the old one is dropped; and a cache table rebuilt.
        sql:
          'CREATE TABLE IF NOT EXISTS users_new (id bigint PRIMARY KEY, email varchar(320));\n' +
          'INSERT INTO users_new (id, email) SELECT id, email FROM users;\n' +
          'DROP TABLE users;\n' +
          'ALTER TABLE users_new RENAME TO users;\n' +
          'DROP TABLE IF EXISTS user_stats;\n' +
          'CREATE TABLE IF NOT EXISTS user_stats AS SELECT count(*) AS n FROM users;',
        name: '0015_swap_users.up.sql',
        files: [{ name: '0001_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);\nCREATE TABLE IF NOT EXISTS user_stats (n bigint);' }],
      },
    ],
  },
  check(context) {
    const state = context.walkState(() => ({
      /** Up files visited so far: the age of an added column is counted in up files. */
      upFiles: 0,
      /** `table.column` → the up file (count) that added it, tables the schema model does not know included. */
      addedAt: new Map<string, number>(),
      /** Added columns an UPDATE has already filled: a later UPDATE overwrites what that one wrote. */
      filled: new Set<string>(),
    }));
    const { addedAt, filled } = state;
    const columnKey = (table: QualifiedName, column: string) => `${objectKey(table)}.${column}`;
    const createdBy = (table: QualifiedName, file: LintFile) => context.schema.table(table)?.createdIn === file;
    const justAdded = (table: QualifiedName, column: string) => {
      const key = columnKey(table, column);
      const added = addedAt.get(key);
      return added !== undefined && state.upFiles - added <= BACKFILL_WINDOW && !filled.has(key);
    };
    /** Whether the file, before `statement`, copied the rows of `table` into another table (copy-and-swap). */
    const copiedBefore = (file: LintFile, statement: Statement, table: QualifiedName) =>
      file.statements.some(
        (earlier) =>
          earlier.start < statement.start &&
          earlier.view.kind === 'insert' &&
          objectKey(earlier.view.table) !== objectKey(table) &&
          earlier.view.reads.some((read) => objectKey(read) === objectKey(table)),
      );
    return {
      fileStart(file) {
        if (file.direction === 'up') state.upFiles++;
      },
      statement(statement, file) {
        if (file.direction !== 'up') return;
        const view = statement.view;
        const report = (message: string, hint: string, span = headSpan(statement)) => context.report({ span, message, hint });
        switch (view.kind) {
          case 'drop': {
            if (view.objectType !== 'table') return;
            const dropped = view.objects.filter(
              (target) =>
                !createdBy(target.name, file) &&
                // IF EXISTS of a table no earlier migration created (nor lint.knownTables): nothing of this project's is lost.
                !(view.ifExists && !context.schema.hasTable(target.name)) &&
                !tableCreatedLater(file, statement, target.name) &&
                !copiedBefore(file, statement, target.name),
            );
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
              if (action.type === 'add-column') addedAt.set(columnKey(view.table, action.column.name), state.upFiles);
              if (action.type !== 'drop-column' || addedAt.get(columnKey(view.table, action.column)) === state.upFiles) continue;
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
            // Filling columns that a recent migration added and nothing has filled yet is a backfill: nothing is overwritten.
            const backfill = view.columns.every((column) => justAdded(view.table, column));
            for (const column of view.columns) if (addedAt.has(columnKey(view.table, column))) filled.add(columnKey(view.table, column));
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

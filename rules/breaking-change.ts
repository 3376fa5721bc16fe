import { displayName, headSpan, quoteIdent, tableCreatedLater } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
import { objectKey } from '../src/lint/schema.js';
import type { Statement, TypeRef } from '../src/parse/types.js';

/** Types whose one modifier is a precision: more of it, or none, reads every old value unchanged and rewrites nothing. */
const PRECISION_TYPES = new Set(['timestamp', 'timestamptz', 'time', 'timetz', 'interval']);

/**
 * A change of type that old application code still reads and writes unchanged:
 * none at all, a longer or unbounded varchar, text, or more (or unlimited) time precision.
 * `recreated`: the type was renamed away and created anew under its name earlier in the file
 * (an enum swap), so the same name is a different type.
 */
function harmless(from: TypeRef | undefined, to: TypeRef, recreated: boolean): boolean {
  if (!from) return false;
  const sameSchema = (from.schema ?? 'pg_catalog') === (to.schema ?? 'pg_catalog');
  if (sameSchema && from.name === to.name && from.arrayDepth === to.arrayDepth) {
    if (from.typmods.join() === to.typmods.join()) return !recreated;
    const precision = (type: TypeRef) => (type.typmods.length === 0 ? Infinity : Number(type.typmods[0]));
    if (PRECISION_TYPES.has(to.name) && precision(to) >= precision(from)) return true;
  }
  const isText = (type: TypeRef) => type.arrayDepth === 0 && (type.name === 'varchar' || type.name === 'text');
  if (!isText(from) || !isText(to)) return false;
  const length = (type: TypeRef) => (type.name === 'text' || type.typmods.length === 0 ? Infinity : Number(type.typmods[0]));
  return from.arrayDepth === to.arrayDepth && length(to) >= length(from);
}

/** Whether a statement after `statement` in its file adds column `column` back to `table`. */
function columnRecreatedLater(file: LintFile, statement: Statement, table: { schema?: string; name: string }, column: string): boolean {
  const key = objectKey(table);
  return file.statements.some(
    (later) =>
      later.start > statement.start &&
      later.view.kind === 'alter-table' &&
      objectKey(later.view.table) === key &&
      later.view.actions.some((action) => action.type === 'add-column' && action.column.name === column),
  );
}

const rule: Rule = {
  id: 'breaking-change',
  defaultSeverity: 'warn',
  description: 'RENAME COLUMN, RENAME TABLE or ALTER COLUMN TYPE in an up migration',
  rationale:
    'SOP "zero-downtime steps": during a deploy the old version of the application keeps running against the ' +
    'migrated database. Renaming a column or table breaks every query it sends, and changing a column type ' +
    'can break the code that reads it (whether it also rewrites the table is table-rewrite’s concern). Do it in steps: ' +
    'add the new column or table, write to both, backfill, switch reads, then drop the old one in a later ' +
    'release. Not flagged: down files, tables and columns the same file created, restating the type a column ' +
    'already has, widening a varchar (longer, unbounded, or to text) and giving a timestamp, time or interval ' +
    'more precision (`timestamp(3)` to `timestamp`), which neither rewrite nor break anything, and a rename ' +
    'whose old name the same file creates again (copy-and-swap). An enum swap (rename the old type, create ' +
    'a new one under its name, `ALTER COLUMN … TYPE … USING`) is a change of type.',
  examples: {
    bad: [
      { sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;', name: '0005_rename.up.sql', expect: [{ line: 1, column: 1 }] },
      { sql: 'ALTER TABLE users RENAME TO accounts;', name: '0006_accounts.up.sql', expect: [{ line: 1, column: 1 }] },
      {
        sql: 'ALTER TABLE IF EXISTS orders ALTER COLUMN total TYPE numeric(12,2);',
        name: '0007_money.up.sql',
        expect: [{ line: 1, column: 30, endColumn: 67 }],
      },
      {
        // An enum swap: the column gets a new type under the old type's name, and PostgreSQL rewrites the table.
        sql:
          'ALTER TYPE visibility RENAME TO visibility_old;\n' +
          "CREATE TYPE visibility AS ENUM ('public', 'unlisted');\n" +
          'ALTER TABLE community ALTER COLUMN visibility TYPE visibility USING visibility::text::visibility;',
        name: '0009_visibility.up.sql',
        files: [
          { name: '0001_community.up.sql', sql: "CREATE TYPE visibility AS ENUM ('public');\nCREATE TABLE IF NOT EXISTS community (id bigint, visibility visibility);" },
        ],
        expect: [{ line: 3, column: 23 }],
      },
      {
        sql: 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz;',
        name: '0010_events_tz.up.sql',
        files: [{ name: '0001_events.up.sql', sql: 'CREATE TABLE IF NOT EXISTS events (id bigint, at timestamp);' }],
        expect: [{ line: 1, column: 20, message: 'session TimeZone' }],
      },
    ],
    good: [
      { sql: 'ALTER TABLE users RENAME COLUMN full_name TO name;', name: '0005_rename.down.sql' },
      {
        sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(320);',
        name: '0003_longer_emails.up.sql',
        files: [{ name: '0001_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint, email varchar(255));' }],
      },
      {
        sql: 'CREATE TABLE IF NOT EXISTS users_new (id bigint, name text);\nALTER TABLE users_new RENAME COLUMN name TO full_name;',
        name: '0008_users_new.up.sql',
      },
      {
        // More (here: unlimited) precision reads every old value unchanged and rewrites nothing.
        sql: 'ALTER TABLE events ALTER COLUMN at TYPE timestamp;',
        name: '0011_events_precision.up.sql',
        files: [{ name: '0001_events.up.sql', sql: 'CREATE TABLE IF NOT EXISTS events (id bigint, at timestamp(3));' }],
      },
      {
        // Copy-and-swap: the old name is created again in the same file, so queries that use it keep working.
        sql: 'ALTER TABLE users RENAME TO users_old;\nCREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, name text);\nALTER TABLE posts RENAME COLUMN body TO body_old;\nALTER TABLE posts ADD COLUMN IF NOT EXISTS body text;',
        name: '0012_swap.up.sql',
      },
    ],
  },
  check(context) {
    const hint = 'do it in steps across releases: add the new one, write to both, backfill, switch reads, drop the old one later';
    /** Types created by the file being visited, by key: a column changed to one of them gets a new type even under an old name. */
    let typesCreatedHere = new Set<string>();
    return {
      fileStart() {
        typesCreatedHere = new Set();
      },
      statement(statement, file) {
        if (file.direction !== 'up') return;
        const view = statement.view;
        if (view.kind === 'create-type') typesCreatedHere.add(objectKey(view.type));
        if (view.kind === 'rename' && view.objectType === 'table') {
          if (context.schema.table(view.object)?.createdIn === file) return;
          if (tableCreatedLater(file, statement, view.object)) return;
          context.report({
            span: headSpan(statement),
            message: `renaming table ${displayName(view.object)} to ${quoteIdent(view.newName)} breaks every query that still uses the old name`,
            hint,
          });
        } else if (view.kind === 'alter-table' && view.objectType === 'table') {
          const table = context.schema.table(view.table);
          if (table?.createdIn === file) return;
          const addedHere = new Set<string>();
          for (const action of view.actions) {
            if (action.type === 'add-column') addedHere.add(action.column.name);
            if (action.type !== 'rename-column' && action.type !== 'alter-column-type') continue;
            const column = table?.columns.get(action.column);
            if (addedHere.has(action.column) || column?.addedIn === file) continue;
            if (action.type === 'rename-column') {
              if (columnRecreatedLater(file, statement, view.table, action.column)) continue;
              context.report({
                span: headSpan(statement),
                message: `renaming column ${quoteIdent(action.column)} to ${quoteIdent(action.newName)} breaks every query that still uses the old name`,
                hint,
              });
            } else if (!harmless(column?.type, action.newType, typesCreatedHere.has(objectKey({ schema: action.newType.schema, name: action.newType.name })))) {
              // timestamp to timestamptz: old readers get instants, interpreted in the session TimeZone.
              const toTimestamptz = column?.type?.name === 'timestamp' && action.newType.name === 'timestamptz';
              context.report({
                span: action.span,
                message: toTimestamptz
                  ? `changing the type of ${quoteIdent(action.column)} from timestamp to timestamptz can break code that reads it: the stored times are now read as instants in the session TimeZone`
                  : `changing the type of ${quoteIdent(action.column)} can break code that still reads or writes it as the old type (the lock is table-rewrite’s concern)`,
                hint,
              });
            }
          }
        }
      },
    };
  },
};

export default rule;

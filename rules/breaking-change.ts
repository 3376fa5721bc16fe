import { displayName, headSpan, quoteIdent } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import type { TypeRef } from '../src/parse/types.js';

/**
 * A change of type that old application code still reads and writes unchanged:
 * none at all, or a longer or unbounded varchar, or text.
 */
function harmless(from: TypeRef | undefined, to: TypeRef): boolean {
  if (!from) return false;
  const sameSchema = (from.schema ?? 'pg_catalog') === (to.schema ?? 'pg_catalog');
  if (sameSchema && from.name === to.name && from.arrayDepth === to.arrayDepth && from.typmods.join() === to.typmods.join()) {
    return true;
  }
  const isText = (type: TypeRef) => type.arrayDepth === 0 && (type.name === 'varchar' || type.name === 'text');
  if (!isText(from) || !isText(to)) return false;
  const length = (type: TypeRef) => (type.name === 'text' || type.typmods.length === 0 ? Infinity : Number(type.typmods[0]));
  return from.arrayDepth === to.arrayDepth && length(to) >= length(from);
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
    'already has, and widening a varchar (longer, unbounded, or to text), which neither rewrites nor breaks anything.',
  examples: {
    bad: [
      { sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;', name: '0005_rename.up.sql', expect: [{ line: 1, column: 1 }] },
      { sql: 'ALTER TABLE users RENAME TO accounts;', name: '0006_accounts.up.sql', expect: [{ line: 1, column: 1 }] },
      {
        sql: 'ALTER TABLE IF EXISTS orders ALTER COLUMN total TYPE numeric(12,2);',
        name: '0007_money.up.sql',
        expect: [{ line: 1, column: 30, endColumn: 67 }],
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
    ],
  },
  check(context) {
    const hint = 'do it in steps across releases: add the new one, write to both, backfill, switch reads, drop the old one later';
    return {
      statement(statement, file) {
        if (file.direction !== 'up') return;
        const view = statement.view;
        if (view.kind === 'rename' && view.objectType === 'table') {
          if (context.schema.table(view.object)?.createdIn === file) return;
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
              context.report({
                span: headSpan(statement),
                message: `renaming column ${quoteIdent(action.column)} to ${quoteIdent(action.newName)} breaks every query that still uses the old name`,
                hint,
              });
            } else if (!harmless(column?.type, action.newType)) {
              context.report({
                span: action.span,
                message: `changing the type of ${quoteIdent(action.column)} can break code that still reads or writes it as the old type (the lock is table-rewrite’s concern)`,
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

import { patternMatcher } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import type { TypeRef } from '../src/parse/types.js';

/** TEXT or VARCHAR without a length; other types (enums, domains, varchar(n), arrays) are a team's deliberate choice. */
function unboundedText(type: TypeRef | undefined): string | undefined {
  if (!type || type.arrayDepth > 0 || (type.schema !== undefined && type.schema !== 'pg_catalog')) return undefined;
  if (type.name === 'text') return 'TEXT';
  if (type.name === 'varchar' && type.typmods.length === 0) return 'VARCHAR without a length';
  return undefined;
}

const rule: Rule = {
  id: 'status-column-varchar',
  defaultSeverity: 'error',
  description: 'status-like columns (status, state, *_status, *_state) typed TEXT or VARCHAR without a length',
  rationale:
    'SOP "VARCHAR(255) for status columns": status and state columns hold short codes; a bounded VARCHAR ' +
    'documents that, keeps indexes on them small and stops a bug from writing a page of text into one. ' +
    'The rule checks CREATE TABLE columns, ALTER TABLE … ADD COLUMN and ALTER COLUMN … TYPE. Which names are ' +
    'status-like is configured with `lint.statusColumns` (`*` matches any run of characters; default ' +
    '`status`, `state`, `*_status`, `*_state`). Enum and domain types, arrays and VARCHAR(n) of any length ' +
    'are accepted, and so are primary-key and unique columns: a value no two rows share (an OAuth `state` ' +
    'nonce, say) is an identifier, not a status.',
  examples: {
    bad: [
      {
        sql: 'CREATE TABLE IF NOT EXISTS orders (\n  id bigint PRIMARY KEY,\n  status text NOT NULL\n);',
        expect: [{ line: 3, column: 10, endColumn: 14 }],
      },
      {
        sql: 'ALTER TABLE orders ADD COLUMN IF NOT EXISTS payment_state varchar;\nALTER TABLE orders ALTER COLUMN status TYPE character varying;',
        expect: [{ line: 1, column: 59, endColumn: 66 }, { line: 2, column: 45 }],
      },
      {
        sql: 'CREATE TABLE IF NOT EXISTS jobs (id bigint, phase text);',
        config: { statusColumns: ['phase', '*_status'] },
        expect: [{ line: 1, column: 51 }],
      },
    ],
    good: [
      { sql: 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, status varchar(255) NOT NULL);' },
      {
        sql:
          "CREATE TYPE order_state AS ENUM ('new', 'paid');\n" +
          'CREATE TABLE IF NOT EXISTS orders (id bigint, state order_state, status_note text, statuses text[]);\n' +
          'CREATE TABLE IF NOT EXISTS sso_nonce (state text PRIMARY KEY, nonce text NOT NULL);',
      },
      { sql: 'ALTER TABLE orders ALTER COLUMN status TYPE varchar(32);' },
    ],
  },
  check(context) {
    const isStatusColumn = patternMatcher(context.config.statusColumns);
    const check = (column: string, type: TypeRef | undefined, identifying = false) => {
      const problem = unboundedText(type);
      if (!type || !problem || identifying || !isStatusColumn(column)) return;
      context.report({
        span: type.span,
        message: `status column ${column} is ${problem}`,
        hint: `declare it ${column} varchar(255) (or an enum type)`,
      });
    };
    return {
      statement(statement) {
        const view = statement.view;
        if (view.kind === 'create-table') {
          // Single-column keys declared as table constraints: PRIMARY KEY (state).
          const keys = new Set(
            view.constraints
              .filter((constraint) => constraint.kind === 'primary-key' || constraint.kind === 'unique')
              .flatMap((constraint) => (constraint.columns.length === 1 ? constraint.columns : [])),
          );
          for (const column of view.columns) {
            check(column.name, column.type, column.primaryKey || column.unique || keys.has(column.name));
          }
        } else if (view.kind === 'alter-table') {
          for (const action of view.actions) {
            if (action.type === 'add-column') {
              check(action.column.name, action.column.type, action.column.primaryKey || action.column.unique);
            }
            else if (action.type === 'alter-column-type') check(action.column, action.newType);
          }
        }
      },
    };
  },
};

export default rule;

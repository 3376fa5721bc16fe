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

/** `pullRequestState` → `pull_request_state`, so that camelCase names match `*_state` too. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Columns that mark an OAuth / OpenID Connect table, where `state` and `session_state` are protocol values, not statuses. */
const OAUTH_COLUMNS = new Set(['redirect_uri', 'code_challenge', 'nonce', 'id_token', 'access_token', 'refresh_token']);
/** Columns that mark a postal address; `state` (or `billing_state` beside `billing_city`) is then a region. */
const ADDRESS_PARTS = ['city', 'zip', 'zip_code', 'zipcode', 'postal_code', 'postcode', 'country', 'street', 'address_line1'];

/** Whether `column` holds an identifier or an address part rather than a status, judged by the other columns of its table. */
function notAStatus(column: string, siblings: readonly string[]): boolean {
  const name = snakeCase(column);
  const others = siblings.map(snakeCase);
  if ((name === 'state' || name === 'session_state') && others.some((other) => OAUTH_COLUMNS.has(other))) return true;
  const prefix = name === 'state' ? '' : name.endsWith('_state') ? name.slice(0, -'state'.length) : undefined;
  return prefix !== undefined && ADDRESS_PARTS.some((part) => others.includes(prefix + part));
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
    'nonce, say) is an identifier, not a status. So are `state` and `session_state` in a table of OAuth / ' +
    'OpenID Connect values (beside `redirect_uri`, `nonce`, `id_token`, …) and address parts (`state` beside ' +
    '`city` or `zip`, `billing_state` beside `billing_city`). camelCase names match as their snake_case form ' +
    '(`pullRequestState` is `*_state`).',
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
      {
        sql: 'CREATE TABLE IF NOT EXISTS "PullRequest" (id bigint PRIMARY KEY, "pullRequestState" TEXT NOT NULL);',
        expect: [{ line: 1, column: 85, message: 'pullRequestState' }],
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
      {
        sql:
          'CREATE TABLE IF NOT EXISTS oauth_authorizations (id uuid PRIMARY KEY, redirect_uri text NOT NULL, state text);\n' +
          'CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY, id_token text, session_state text);\n' +
          'CREATE TABLE IF NOT EXISTS customers (id bigint PRIMARY KEY, billing_city text, billing_state text, city text, state text);',
      },
      {
        name: '0002_session_state.up.sql',
        sql: 'ALTER TABLE accounts ADD COLUMN IF NOT EXISTS session_state text;',
        files: [{ name: '0001_accounts.up.sql', sql: 'CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY, id_token text);' }],
      },
    ],
  },
  check(context) {
    const isStatusColumn = patternMatcher(context.config.statusColumns);
    const check = (column: string, type: TypeRef | undefined, siblings: readonly string[], identifying = false) => {
      const problem = unboundedText(type);
      if (!type || !problem || identifying) return;
      if (!isStatusColumn(column) && !isStatusColumn(snakeCase(column))) return;
      if (notAStatus(column, siblings)) return;
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
          const siblings = view.columns.map((column) => column.name);
          for (const column of view.columns) {
            check(column.name, column.type, siblings, column.primaryKey || column.unique || keys.has(column.name));
          }
        } else if (view.kind === 'alter-table') {
          const siblings = [
            ...(context.schema.table(view.table)?.columns.keys() ?? []),
            ...view.actions.flatMap((action) => (action.type === 'add-column' ? [action.column.name] : [])),
          ];
          for (const action of view.actions) {
            if (action.type === 'add-column') {
              check(action.column.name, action.column.type, siblings, action.column.primaryKey || action.column.unique);
            }
            else if (action.type === 'alter-column-type') check(action.column, action.newType, siblings);
          }
        }
      },
    };
  },
};

export default rule;

import { displayName, headSpan } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import { transactionOf, type Transaction } from '../src/lint/schema.js';

const ORDERS = {
  name: '0001_create_orders.up.sql',
  sql:
    "CREATE TYPE order_status AS ENUM ('pending', 'paid');\n" +
    'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, status order_status, paid_at timestamptz);',
};
const ADD_VALUE = { name: '0002_order_status_refunded.up.sql', sql: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';" };
const ROWS = "INSERT INTO orders SELECT g, 'paid', now() FROM generate_series(1, 1000) AS g;";

const rule: Rule = {
  id: 'enum-value-in-transaction',
  defaultSeverity: 'error',
  description: 'A value added by ALTER TYPE … ADD VALUE used in the same transaction',
  rationale:
    'Server rule: a value that ALTER TYPE … ADD VALUE adds inside a transaction cannot be used until that ' +
    'transaction commits; PostgreSQL refuses with "unsafe use of new value" (SQLSTATE 55P04; PostgreSQL ' +
    'documentation, ALTER TYPE, "Notes"), so the migration fails on every run, even on an empty database. sqlmig runs ' +
    'each migration in one transaction: add the value in one migration and use it (UPDATE, INSERT, a DEFAULT, a ' +
    'CHECK or partial index naming it) in a later one, or put both in a `-- sqlmig:no-transaction` file, where each ' +
    'statement commits on its own. Before PostgreSQL 12, ADD VALUE could not run inside a transaction block at all: ' +
    'with `lint.postgresVersion` below 12 (or such a server in the gate of `up`) every ADD VALUE in a transactional file is reported.',
  examples: {
    bad: [
      {
        name: '0002_order_status_refunded.up.sql',
        sql: ADD_VALUE.sql + "\nUPDATE orders SET status = 'refunded' WHERE paid_at IS NULL;",
        files: [ORDERS],
        expect: [{ line: 2, column: 1, message: "'refunded'" }],
        effect: { table: 'orders', rows: ROWS, lock: null, error: '55P04' },
      },
      {
        name: '0002_order_status_refunded.up.sql',
        sql: ADD_VALUE.sql,
        files: [ORDERS],
        config: { postgresVersion: 11 },
        expect: [{ line: 1, column: 1, message: 'before PostgreSQL 12' }],
      },
    ],
    good: [
      {
        name: '0003_mark_refunds.up.sql',
        sql: "UPDATE orders SET status = 'refunded' WHERE paid_at IS NULL;",
        files: [ORDERS, ADD_VALUE],
        effect: { table: 'orders', rows: ROWS, lock: 'RowExclusiveLock', scan: true, rewrite: false },
      },
      {
        name: '0002_order_status_refunded.up.sql',
        sql: '-- sqlmig:no-transaction\n' + ADD_VALUE.sql + "\nUPDATE orders SET status = 'refunded' WHERE paid_at IS NULL;",
        files: [ORDERS],
        effect: { table: 'orders', rows: ROWS, lock: null, rewrite: false },
      },
      {
        name: '0002_order_status_refunded.up.sql',
        sql: '-- sqlmig:no-transaction\n' + ADD_VALUE.sql,
        files: [ORDERS],
        config: { postgresVersion: 11 },
      },
    ],
  },
  check(context) {
    /** Value → the enum it was added to and the transaction that added it. */
    let added = new Map<string, { type: string; transaction: Transaction }>();
    return {
      fileStart() {
        added = new Map();
      },
      statement(statement, file) {
        const view = statement.view;
        const transaction = transactionOf(statement, file);
        if (view.kind === 'alter-type' && view.action === 'add-value') {
          added.set(view.value, { type: displayName(view.type), transaction });
          const version = context.config.postgresVersion;
          if (version !== undefined && version < 12 && transaction === file) {
            context.report({
              span: headSpan(statement),
              message: `ALTER TYPE … ADD VALUE cannot run inside a transaction block before PostgreSQL 12; the server is ${version}`,
              hint: 'put it in a `-- sqlmig:no-transaction` file, where each statement commits on its own',
            });
          }
          return;
        }
        const used = statement.literals?.find((literal) => added.get(literal)?.transaction === transaction);
        if (used === undefined) return;
        context.report({
          span: headSpan(statement),
          message: `'${used}' was added to ${added.get(used)!.type} earlier in this transaction; PostgreSQL refuses to use it before that commits (unsafe use of new value)`,
          hint: 'move the statements that use the new value to a later migration',
        });
      },
    };
  },
};

export default rule;

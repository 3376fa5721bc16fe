import { displayName, quoteIdent } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import type { ColumnView, QualifiedName } from '../src/parse/types.js';
import { existedBefore, objectKey, transactionOf, type Transaction } from '../src/lint/schema.js';

const TABLES = {
  name: '0001_create_orders.up.sql',
  sql:
    'CREATE TABLE IF NOT EXISTS customers (id bigint PRIMARY KEY);\n' +
    'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, customer_id bigint, total numeric);',
};
const WITH_NOT_VALID = {
  name: '0002_orders_customer_fk.up.sql',
  sql:
    'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey\n' +
    '  FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
};
const ROWS =
  'INSERT INTO customers SELECT g FROM generate_series(1, 100) AS g;\n' +
  'INSERT INTO orders SELECT g, 1 + g % 100, g FROM generate_series(1, 1000) AS g;';

const rule: Rule = {
  id: 'constraint-not-valid',
  defaultSeverity: 'error',
  description: 'ADD FOREIGN KEY or ADD CHECK without NOT VALID on an existing table, or VALIDATE in the same transaction',
  rationale:
    'SOP "zero-downtime steps": adding a CHECK constraint reads every row while holding an ACCESS EXCLUSIVE lock, ' +
    'which blocks reads and writes; adding a FOREIGN KEY reads every row while holding SHARE ROW EXCLUSIVE on both ' +
    'the table and the table it references, which blocks writes to both. Add it `NOT VALID` (checked for new rows ' +
    'only; the lock is then brief), and `ALTER TABLE … VALIDATE CONSTRAINT` in a later migration: VALIDATE takes ' +
    'SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes (PostgreSQL documentation, ALTER TABLE, "Notes"). ' +
    'VALIDATE in the same transaction as the NOT VALID add gains nothing: the add’s lock is still held during the ' +
    'scan. A CHECK or REFERENCES written in ADD COLUMN cannot be NOT VALID: its CHECK reads every row under the ' +
    'ADD COLUMN’s ACCESS EXCLUSIVE lock, and so does its REFERENCES when the column has a DEFAULT (without one, every ' +
    'row holds NULL and PostgreSQL marks the key valid without reading them). Not flagged: a table this migration created.',
  examples: {
    bad: [
      {
        name: '0002_orders_customer_fk.up.sql',
        sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey\n  FOREIGN KEY (customer_id) REFERENCES customers (id);',
        files: [TABLES],
        expect: [{ line: 1, column: 20, message: 'FOREIGN KEY' }],
        effect: { table: 'orders', rows: ROWS, lock: 'ShareRowExclusiveLock', scan: true, rewrite: false },
      },
      {
        name: '0002_orders_total_positive.up.sql',
        sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);',
        files: [TABLES],
        expect: [{ line: 1, column: 20, message: 'CHECK' }],
        effect: { table: 'orders', rows: ROWS, lock: 'AccessExclusiveLock', scan: true, rewrite: false },
      },
      {
        name: '0002_orders_total_positive.up.sql',
        sql:
          'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\n' +
          'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;',
        files: [TABLES],
        expect: [{ line: 2, column: 20, message: 'same transaction' }],
        effect: { table: 'orders', rows: ROWS, lock: 'AccessExclusiveLock', scan: true, rewrite: false },
      },
      {
        // concourse 0050: a CHECK written on the column is tested on every existing row.
        name: '0002_orders_discount.up.sql',
        sql: 'ALTER TABLE orders ADD COLUMN discount integer DEFAULT 0 CHECK (discount >= 0);',
        files: [TABLES],
        expect: [{ line: 1, column: 58, message: 'CHECK on the new column' }],
        effect: { table: 'orders', rows: ROWS, lock: 'AccessExclusiveLock', scan: true, rewrite: false },
      },
      {
        // Lemmy 0117 and 0122: with a DEFAULT, every row gets a value, so the new foreign key is checked on each.
        name: '0002_orders_seller.up.sql',
        sql: 'ALTER TABLE orders\n  ADD COLUMN seller_id bigint REFERENCES customers NOT NULL DEFAULT 1;',
        files: [TABLES],
        expect: [{ line: 2, column: 31, message: 'REFERENCES on the new column' }],
        effect: { table: 'orders', rows: ROWS, lock: 'AccessExclusiveLock', scan: true, rewrite: false },
      },
    ],
    good: [
      {
        // Without a DEFAULT every existing row holds NULL: PostgreSQL marks the foreign key valid without reading them.
        name: '0002_orders_seller.up.sql',
        sql: 'ALTER TABLE orders ADD COLUMN seller_id bigint REFERENCES customers (id);',
        files: [TABLES],
        effect: { table: 'orders', rows: ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      { ...WITH_NOT_VALID, files: [TABLES], effect: { table: 'orders', rows: ROWS, lock: 'ShareRowExclusiveLock', scan: false, rewrite: false } },
      {
        name: '0003_validate_orders_customer_fk.up.sql',
        sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;',
        files: [TABLES, WITH_NOT_VALID],
        effect: { table: 'orders', rows: ROWS, lock: 'ShareUpdateExclusiveLock', scan: true, rewrite: false },
      },
      {
        name: '0002_create_refunds.up.sql',
        sql:
          'CREATE TABLE IF NOT EXISTS refunds (id bigint PRIMARY KEY, order_id bigint, amount numeric);\n' +
          'ALTER TABLE refunds ADD CONSTRAINT refunds_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id);\n' +
          'ALTER TABLE refunds ADD CONSTRAINT refunds_amount_positive CHECK (amount > 0);',
        files: [TABLES],
        effect: { table: 'orders', rows: ROWS, lock: 'ShareRowExclusiveLock', scan: false, rewrite: false },
      },
    ],
  },
  check(context) {
    /**
     * Constraints written on a column that ADD COLUMN adds to a table with rows. Its CHECK is tested on every row;
     * its REFERENCES too when the column gets a DEFAULT (even DEFAULT NULL): without one, PostgreSQL knows every row
     * holds NULL and marks the key valid unread. Neither accepts NOT VALID in a column definition.
     */
    const reportColumnConstraints = (column: ColumnView, name: string, table: QualifiedName) => {
      const columnName = quoteIdent(column.name);
      for (const constraint of column.constraints) {
        if (constraint.kind === 'check') {
          context.report({
            span: constraint.span,
            table,
            message: `CHECK on the new column ${columnName} reads every row of ${name} under an ACCESS EXCLUSIVE lock, blocking reads and writes`,
            hint: `add the column without CHECK, then ALTER TABLE ${name} ADD CONSTRAINT <name> CHECK (…) NOT VALID, and VALIDATE CONSTRAINT in a later migration`,
          });
        } else if (constraint.kind === 'foreign-key' && column.default) {
          const referenced = constraint.references ? displayName(constraint.references.table) : 'the referenced table';
          context.report({
            span: constraint.span,
            table,
            message: `REFERENCES on the new column ${columnName}, which has a DEFAULT, reads every row of ${name} while ADD COLUMN holds its ACCESS EXCLUSIVE lock (and SHARE ROW EXCLUSIVE on ${referenced}), blocking reads and writes`,
            hint: `add the column without REFERENCES, then ALTER TABLE ${name} ADD FOREIGN KEY (${columnName}) REFERENCES … NOT VALID, and VALIDATE CONSTRAINT in a later migration`,
          });
        }
      }
    };
    /** `table.constraint` → the transaction that added it NOT VALID. */
    const { addedNotValid } = context.walkState(() => ({ addedNotValid: new Map<string, Transaction>() }));
    return {
      statement(statement, file) {
        const view = statement.view;
        if (view.kind !== 'alter-table' || view.objectType !== 'table') return;
        const table = context.schema.table(view.table);
        const transaction = transactionOf(statement, file);
        const existing = existedBefore(table, file);
        const name = displayName(view.table);
        for (const action of view.actions) {
          if (action.type === 'validate-constraint') {
            const key = `${objectKey(view.table)}.${action.name}`;
            if (addedNotValid.get(key) !== transaction) continue;
            context.report({
              span: action.span,
              table: view.table,
              message: `VALIDATE CONSTRAINT ${quoteIdent(action.name)} runs in the same transaction as its NOT VALID add, so the add’s lock is held during the scan`,
              hint: 'move the VALIDATE CONSTRAINT to a later migration',
            });
            continue;
          }
          if (action.type === 'add-column') {
            if (existing && !(action.ifNotExists && table?.columns.has(action.column.name))) reportColumnConstraints(action.column, name, view.table);
            continue;
          }
          if (action.type !== 'add-constraint') continue;
          const { constraint } = action;
          if (constraint.kind !== 'foreign-key' && constraint.kind !== 'check') continue;
          if (constraint.notValid) {
            if (constraint.name !== undefined) addedNotValid.set(`${objectKey(view.table)}.${constraint.name}`, transaction);
            continue;
          }
          if (!existing) continue;
          const what = constraint.name === undefined ? '' : ` ${quoteIdent(constraint.name)}`;
          const hint = `add it NOT VALID, then ALTER TABLE ${name} VALIDATE CONSTRAINT${what || ' <name>'} in a later migration`;
          if (constraint.kind === 'foreign-key') {
            const referenced = constraint.references ? displayName(constraint.references.table) : 'the referenced table';
            context.report({
              span: action.span,
              table: view.table,
              message: `adding FOREIGN KEY${what} reads every row of ${name} under a SHARE ROW EXCLUSIVE lock on ${name} and ${referenced}, blocking writes to both`,
              hint,
            });
          } else {
            context.report({
              span: action.span,
              table: view.table,
              message: `adding CHECK${what} reads every row of ${name} under an ACCESS EXCLUSIVE lock, blocking reads and writes`,
              hint,
            });
          }
        }
      },
    };
  },
};

export default rule;

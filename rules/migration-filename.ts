import type { Rule } from '../src/lint/rule.js';

const rule: Rule = {
  id: 'migration-filename',
  defaultSeverity: 'error',
  description: 'file names that do not match NNNN_name.up.sql / .down.sql, duplicate versions, a down file without an up file',
  rationale:
    'SOP "naming" and "merge conflicts": sqlmig runs `NNNN_name.up.sql` files in version order and reverts ' +
    'with the `.down.sql` of the same name; any other `.sql` file in the folder is never run, which is ' +
    'rarely what its author meant (`0003_Add_Users.sql`, `0003_add_users.up`). Two migrations with one ' +
    'version are what two branches that each added the next migration leave behind after a merge: only ' +
    'one of them would run. A down file without its up file is a migration half deleted or half renamed. ' +
    'Symbolic links that lead nowhere are reported too.',
  examples: {
    bad: [
      {
        name: '0003_Add_Users.sql',
        sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);',
        expect: [{ line: 1, column: 1, message: 'not a valid migration file name' }],
      },
      {
        name: '0002_add_orders.up.sql',
        sql: 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY);',
        files: [
          { name: '0002_add_orders.down.sql', sql: 'DROP TABLE IF EXISTS orders;' },
          { name: '0002_add_invoices.up.sql', sql: 'CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);' },
          { name: '0002_add_invoices.down.sql', sql: 'DROP TABLE IF EXISTS invoices;' },
          { name: '0004_drop_legacy.down.sql', sql: 'CREATE TABLE IF NOT EXISTS legacy (id bigint);' },
        ],
        expect: [
          { file: '0002_add_orders.down.sql', line: 1, column: 1, message: 'both have version 2' },
          { file: '0002_add_orders.up.sql', line: 1, column: 1, message: 'both have version 2' },
          { file: '0004_drop_legacy.down.sql', line: 1, column: 1, message: 'has no up file' },
        ],
      },
    ],
    good: [
      {
        name: '0002_add_orders.up.sql',
        sql: 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY);',
        files: [{ name: '0002_add_orders.down.sql', sql: 'DROP TABLE IF EXISTS orders;' }],
      },
    ],
  },
  check(context) {
    return {
      sequenceEnd() {
        for (const problem of context.fileProblems) {
          const file = context.files.find((candidate) => candidate.path === problem.path);
          context.report({
            ...(file ? { file } : { path: problem.path }),
            message: problem.message,
            hint: problem.hint ?? 'name migration files NNNN_description.up.sql and NNNN_description.down.sql',
          });
        }
      },
    };
  },
};

export default rule;

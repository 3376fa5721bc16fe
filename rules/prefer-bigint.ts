import { quoteIdent } from '../src/lint/helpers.js';
import { definedColumns, isBuiltin } from '../src/lint/columns.js';
import type { Rule } from '../src/lint/rule.js';

const SMALL = ['int2', 'int4', 'serial', 'serial2', 'serial4', 'smallserial'];

const rule: Rule = {
  id: 'prefer-bigint',
  defaultSeverity: 'off',
  description: 'An integer or smallint PRIMARY KEY or FOREIGN KEY column (style, off by default)',
  rationale:
    'Style rule: an integer key runs out at 2,147,483,647, and widening it later to bigint rewrites the table and ' +
    'every table that references it under an ACCESS EXCLUSIVE lock (see table-rewrite). Declare keys bigint from the ' +
    'start; the 4 extra bytes per row rarely matter. Off by default: turn it on in lint.rules.',
  examples: {
    bad: [{ sql: 'CREATE TABLE IF NOT EXISTS users (id integer PRIMARY KEY, name text);', expect: [{ line: 1, column: 38, message: 'id' }] }],
    good: [{ sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, visits integer);' }],
  },
  check(context) {
    return {
      statement(statement) {
        for (const column of definedColumns(statement)) {
          if (!column.key || !isBuiltin(column.type, SMALL)) continue;
          context.report({
            span: column.span,
            message: `key column ${quoteIdent(column.name)} is ${column.type.name}, which runs out at about 2 billion`,
            hint: column.type.name.includes('serial') ? 'use bigint GENERATED ALWAYS AS IDENTITY' : 'use bigint',
          });
        }
      },
    };
  },
};

export default rule;

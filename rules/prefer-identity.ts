import { quoteIdent } from '../src/lint/helpers.js';
import { definedColumns, isBuiltin } from '../src/lint/columns.js';
import type { Rule } from '../src/lint/rule.js';

const SERIALS = ['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial'];

const rule: Rule = {
  id: 'prefer-identity',
  defaultSeverity: 'off',
  description: 'A serial column instead of an identity column (style, off by default)',
  rationale:
    'Style rule: serial creates a sequence the table does not own in the SQL standard’s sense: its permissions, ' +
    'dumps and `INSERT … (id)` with explicit values all behave surprisingly. `GENERATED ALWAYS AS IDENTITY` ' +
    '(PostgreSQL 10+) is the standard replacement (PostgreSQL wiki, "Don’t Do This"). Off by default: turn it on ' +
    'in lint.rules.',
  examples: {
    bad: [{ sql: 'CREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY);', expect: [{ line: 1, column: 38, message: 'bigserial' }] }],
    good: [{ sql: 'CREATE TABLE IF NOT EXISTS users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);' }],
  },
  check(context) {
    return {
      statement(statement) {
        for (const column of definedColumns(statement)) {
          if (!isBuiltin(column.type, SERIALS)) continue;
          const base = column.type.name === 'bigserial' || column.type.name === 'serial8' ? 'bigint' : column.type.name.includes('2') || column.type.name === 'smallserial' ? 'smallint' : 'integer';
          context.report({
            span: column.span,
            message: `${quoteIdent(column.name)} is ${column.type.name}`,
            hint: `use ${base} GENERATED ALWAYS AS IDENTITY`,
          });
        }
      },
    };
  },
};

export default rule;

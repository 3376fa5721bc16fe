import { quoteIdent } from '../src/lint/helpers.js';
import { definedColumns, isBuiltin } from '../src/lint/columns.js';
import type { Rule } from '../src/lint/rule.js';

const rule: Rule = {
  id: 'prefer-timestamptz',
  defaultSeverity: 'off',
  description: 'A timestamp column without time zone (style, off by default)',
  rationale:
    'Style rule: `timestamp` (without time zone) stores a wall-clock reading with no zone, so the same instant ' +
    'written by servers or sessions in different zones compares wrongly. `timestamptz` stores an instant, in the ' +
    'same 8 bytes (PostgreSQL wiki, "Don’t Do This"). Off by default: turn it on in lint.rules.',
  examples: {
    bad: [{ sql: 'CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, created_at timestamp);', expect: [{ line: 1, column: 70, message: 'created_at' }] }],
    good: [{ sql: 'CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, created_at timestamptz);' }],
  },
  check(context) {
    return {
      statement(statement) {
        for (const column of definedColumns(statement)) {
          if (!isBuiltin(column.type, ['timestamp'])) continue;
          context.report({
            span: column.span,
            message: `${quoteIdent(column.name)} is timestamp without time zone`,
            hint: 'use timestamptz',
          });
        }
      },
    };
  },
};

export default rule;

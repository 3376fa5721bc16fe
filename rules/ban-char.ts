import { quoteIdent } from '../src/lint/helpers.js';
import { definedColumns, isBuiltin } from '../src/lint/columns.js';
import type { Rule } from '../src/lint/rule.js';

const rule: Rule = {
  id: 'ban-char',
  defaultSeverity: 'off',
  description: 'A char(n) column (style, off by default)',
  rationale:
    'Style rule: char(n) pads values with spaces to n characters, which then compare and concatenate surprisingly, ' +
    'and it is no faster than text or varchar(n) (PostgreSQL wiki, "Don’t Do This"). Off by default: turn it on ' +
    'in lint.rules.',
  examples: {
    bad: [{ sql: 'CREATE TABLE IF NOT EXISTS countries (code char(2) PRIMARY KEY);', expect: [{ line: 1, column: 44, message: 'code' }] }],
    good: [{ sql: 'CREATE TABLE IF NOT EXISTS countries (code text PRIMARY KEY CHECK (length(code) = 2));' }],
  },
  check(context) {
    return {
      statement(statement) {
        for (const column of definedColumns(statement)) {
          if (!isBuiltin(column.type, ['bpchar'])) continue;
          context.report({
            span: column.span,
            message: `${quoteIdent(column.name)} is char(n), which pads with spaces`,
            hint: 'use text (with a CHECK on its length if it matters) or varchar(n)',
          });
        }
      },
    };
  },
};

export default rule;

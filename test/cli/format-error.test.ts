/** Run-time errors that point into a migration get the code frame lint findings get: sanitised for the terminal. */
import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/cli/format-error.js';
import { MigrationError } from '../../src/errors.js';

const source = 'CREATE TABLE two (id int);\nINSERT INTO missing VALUES (1);\nSELECT 1;\n';

describe('formatError with a source location', () => {
  it('shows the line before, the line, and a caret under the column, then the hint', () => {
    const error = new MigrationError('relation "missing" does not exist (SQLSTATE 42P01)', {
      hint: 'create it first',
      location: { file: '/p/sql/0002_two.up.sql', line: 2, column: 13, source },
    });
    expect(formatError(error, { verbose: false, cwd: '/p' })).toBe(
      [
        'error: sql/0002_two.up.sql:2:13: relation "missing" does not exist (SQLSTATE 42P01)',
        '    1 | CREATE TABLE two (id int);',
        '  > 2 | INSERT INTO missing VALUES (1);',
        '      |             ^',
        'hint: create it first',
      ].join('\n'),
    );
  });

  it('never sends the file’s control characters to the terminal (as lint’s frames)', () => {
    const error = new MigrationError('syntax error', { location: { file: 'x.sql', line: 1, column: 8, source: "SELECT '\u001b[31mred';" } });
    const output = formatError(error, { verbose: false, cwd: '/' });
    expect(output).not.toContain('\u001b');
    expect(output).toContain("> 1 | SELECT '\uFFFD[31mred';");
  });

  it('shows no frame without the source or a line', () => {
    const error = new MigrationError('failed', { location: { file: 'x.sql', line: 1 } });
    expect(formatError(error, { verbose: false, cwd: '/' })).toBe('error: x.sql:1: failed');
  });
});

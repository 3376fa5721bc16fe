import { describe, expect, it } from 'vitest';
import { formatPretty } from '../../src/reporters/pretty.js';
import { ANSI, cwd, diagnostic, lintResult, mixedResult, upFile } from './fixtures.js';

const plain = { cwd, color: false };

/** The column (0-based) of the first caret in the frame, relative to where the source text starts. */
function caretUnder(output: string): { sourceLine: string; underline: string } {
  const lines = output.split('\n');
  const index = lines.findIndex((line) => /^\s+\|\s*\^/.test(line));
  const textStart = (line: string) => line.indexOf('| ') + 2;
  const sourceLine = lines[index - 1]!;
  const underline = lines[index]!;
  return { sourceLine: sourceLine.slice(textStart(sourceLine)), underline: underline.slice(textStart(sourceLine)) };
}

describe('formatPretty', () => {
  it('prints file:line:col, severity, message and rule id, a code frame, the hint and a summary', () => {
    const output = formatPretty(lintResult([diagnostic()]), plain);
    expect(output).toBe(
      [
        'sql/0002_add_status.up.sql:3:3  error  ADD COLUMN without IF NOT EXISTS  require-if-not-exists',
        '    2 | ALTER TABLE posts',
        '  > 3 |   ADD COLUMN status text;',
        '      |   ^^^^^^^^^^^^^^^^^^^^^^^',
        '  hint: write ADD COLUMN IF NOT EXISTS status',
        '',
        '✖ 1 error, 0 warnings in 1 file',
      ].join('\n'),
    );
  });

  it('groups diagnostics by file in result order and counts files with problems in the summary', () => {
    const output = formatPretty(mixedResult(), plain);
    const headers = output.split('\n').filter((line) => line.startsWith('sql/'));
    expect(headers).toEqual([
      'sql/0002_add_status.down.sql:1:19  error  DROP COLUMN without IF EXISTS  require-if-exists',
      'sql/0002_add_status.up.sql:3:3  error  ADD COLUMN without IF NOT EXISTS  require-if-not-exists',
      'sql/0002_add_status.up.sql:3:14  warning  status column typed text  status-column-varchar',
    ]);
    expect(output.split('\n').at(-1)).toBe('✖ 2 errors, 1 warning in 2 files');
  });

  it('summarises a clean run with the number of files linted', () => {
    expect(formatPretty(lintResult([], { fileCount: 12 }), plain)).toBe('✔ 12 files, no problems');
    expect(formatPretty(lintResult([], { fileCount: 1 }), plain)).toBe('✔ 1 file, no problems');
  });

  it('marks a warnings-only run with ⚠', () => {
    const output = formatPretty(lintResult([diagnostic({ severity: 'warning' })]), plain);
    expect(output.split('\n').at(-1)).toBe('⚠ 0 errors, 1 warning in 1 file');
  });

  it('has no ANSI codes without color, and colors severity, frame and summary with color', () => {
    expect(formatPretty(mixedResult(), plain)).not.toMatch(ANSI);
    expect(formatPretty(lintResult([]), plain)).not.toMatch(ANSI);
    const colored = formatPretty(mixedResult(), { cwd, color: true });
    expect(colored).toMatch(ANSI);
    expect(colored).toContain('\u001b[31merror\u001b[39m');
    expect(colored).toContain('\u001b[33mwarning\u001b[39m');
  });

  it('puts the caret under the column and underlines to endColumn', () => {
    const source = 'SELECT 1;\nCREATE TABLE users (id int);\n';
    const output = formatPretty(
      lintResult([diagnostic({ line: 2, column: 14, endLine: 2, endColumn: 19 })], { sources: { [upFile]: source } }),
      plain,
    );
    const { sourceLine, underline } = caretUnder(output);
    expect(sourceLine).toBe('CREATE TABLE users (id int);');
    expect(underline).toBe('             ^^^^^');
    expect(sourceLine.slice(underline.indexOf('^'), underline.lastIndexOf('^') + 1)).toBe('users');
  });

  it('underlines to the end of the line when the span continues on later lines', () => {
    const source = 'CREATE TABLE t (\n  id int\n);\n';
    const output = formatPretty(
      lintResult([diagnostic({ line: 1, column: 1, endLine: 3, endColumn: 3 })], { sources: { [upFile]: source } }),
      plain,
    );
    expect(output).toContain('  > 1 | CREATE TABLE t (\n      | ^^^^^^^^^^^^^^^^');
  });

  it('shows one caret for an empty span and for a whole-file diagnostic on an empty file', () => {
    const zeroWidth = formatPretty(
      lintResult([diagnostic({ line: 1, column: 5, endLine: 1, endColumn: 5 })], { sources: { [upFile]: 'DROP TABLE t;' } }),
      plain,
    );
    expect(caretUnder(zeroWidth).underline).toBe('    ^');
    const emptyFile = formatPretty(
      lintResult([diagnostic({ line: 1, column: 1, endLine: 1, endColumn: 1 })], { sources: { [upFile]: '' } }),
      plain,
    );
    expect(emptyFile).toContain('  > 1 |\n      | ^');
  });

  it('counts multi-byte characters as one column each, and wide characters as two cells', () => {
    // "é" is one UTF-16 unit, "😀" two, "表" one unit but two cells.
    const source = "INSERT INTO t VALUES ('é😀表', 1);";
    const column = source.indexOf('1);') + 1;
    const output = formatPretty(
      lintResult([diagnostic({ line: 1, column, endLine: 1, endColumn: column + 1 })], { sources: { [upFile]: source } }),
      plain,
    );
    const { sourceLine, underline } = caretUnder(output);
    expect(sourceLine).toBe(source);
    // Cells before the caret: every character one cell except the emoji and 表 (two each).
    const cellsBefore = [...source.slice(0, column - 1)].length + 2;
    expect(underline).toBe(' '.repeat(cellsBefore) + '^');
  });

  it('expands tabs to 4-cell stops in both the line and the underline', () => {
    const source = '\tALTER TABLE t\n\t\tADD COLUMN x int;';
    const output = formatPretty(
      lintResult([diagnostic({ line: 2, column: 3, endLine: 2, endColumn: 6 })], { sources: { [upFile]: source } }),
      plain,
    );
    expect(output).toContain('    1 |     ALTER TABLE t\n  > 2 |         ADD COLUMN x int;\n      |         ^^^');
  });

  it('clips long lines around the column with an ellipsis and keeps the caret aligned', () => {
    const prefix = 'x'.repeat(300);
    const source = `SELECT '${prefix}' AS target, 1;`;
    const column = source.indexOf('target') + 1;
    const output = formatPretty(
      lintResult([diagnostic({ line: 1, column, endLine: 1, endColumn: column + 6 })], { sources: { [upFile]: source } }),
      plain,
    );
    const { sourceLine, underline } = caretUnder(output);
    expect(sourceLine.startsWith('…')).toBe(true);
    expect(sourceLine.length).toBeLessThanOrEqual(102);
    expect(sourceLine.slice(underline.indexOf('^'), underline.lastIndexOf('^') + 1)).toBe('target');
  });

  it('clips the right side of a long line when the column is near its start', () => {
    const source = `CREATE TABLE t (${'c int, '.repeat(50)}z int);`;
    const output = formatPretty(
      lintResult([diagnostic({ line: 1, column: 14, endLine: 1, endColumn: 15 })], { sources: { [upFile]: source } }),
      plain,
    );
    const { sourceLine, underline } = caretUnder(output);
    expect(sourceLine.endsWith('…')).toBe(true);
    expect(sourceLine.startsWith('CREATE TABLE t')).toBe(true);
    expect(underline).toBe(' '.repeat(13) + '^');
  });

  it('cuts the source line around each caret on a long one-line file with many diagnostics', () => {
    const source = 'SELECT 1; '.repeat(50_000);
    const diagnostics = Array.from({ length: 200 }, (_, i) =>
      diagnostic({ line: 1, column: i * 2_000 + 1, endLine: 1, endColumn: i * 2_000 + 10 }),
    );
    const output = formatPretty(lintResult(diagnostics, { sources: { [upFile]: source } }), plain);
    const frames = output.split('\n').filter((line) => line.startsWith('  > 1 | '));
    expect(frames).toHaveLength(200);
    expect(frames.every((line) => line.length < 120)).toBe(true);
  });

  it('replaces control characters from the source and messages so they cannot reach the terminal', () => {
    const source = 'SELECT \u001b[31m1\u0007;\r\n';
    const output = formatPretty(
      lintResult([diagnostic({ line: 1, column: 1, endLine: 1, endColumn: 7, message: 'bad \u001b]0;title\u0007' })], {
        sources: { [upFile]: source },
      }),
      plain,
    );
    expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(output).toContain('> 1 | SELECT \uFFFD[31m1\uFFFD;');
  });

  it('indents continuation lines of a multi-line message', () => {
    const output = formatPretty(lintResult([diagnostic({ message: 'first\nsecond' })]), plain);
    expect(output).toContain('first\n    second  require-if-not-exists');
  });

  it('prints no code frame when the source is unknown or the line is past its end', () => {
    const unknown = formatPretty(lintResult([diagnostic()], { sources: {} }), plain);
    expect(unknown).not.toContain('|');
    const pastEnd = formatPretty(lintResult([diagnostic({ line: 40, endLine: 40 })]), plain);
    expect(pastEnd).not.toContain('|');
    expect(pastEnd).toContain('hint:');
  });

  it('prints paths relative to the working directory, also outside it', () => {
    const output = formatPretty(lintResult([diagnostic({ file: '/elsewhere/sql/0001_a.up.sql' })], { sources: {} }), plain);
    expect(output.split('\n')[0]).toMatch(/^\.\.\/elsewhere\/sql\/0001_a\.up\.sql:3:3 /);
  });
});

import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/reporters/json.js';
import { ANSI, cwd, lintResult, mixedResult } from './fixtures.js';

describe('formatJson', () => {
  it('prints exactly the DESIGN.md §4 shape: relative files, key order, hint only when present', () => {
    const output = formatJson(mixedResult(), { cwd, color: true });
    expect(output).not.toMatch(ANSI);
    expect(JSON.parse(output)).toEqual({
      fileCount: 12,
      errorCount: 2,
      warningCount: 1,
      diagnostics: [
        {
          file: 'sql/0002_add_status.down.sql',
          line: 1,
          column: 19,
          endLine: 1,
          endColumn: 37,
          rule: 'require-if-exists',
          severity: 'error',
          message: 'DROP COLUMN without IF EXISTS',
        },
        {
          file: 'sql/0002_add_status.up.sql',
          line: 3,
          column: 3,
          endLine: 3,
          endColumn: 26,
          rule: 'require-if-not-exists',
          severity: 'error',
          message: 'ADD COLUMN without IF NOT EXISTS',
          hint: 'write ADD COLUMN IF NOT EXISTS status',
        },
        {
          file: 'sql/0002_add_status.up.sql',
          line: 3,
          column: 14,
          endLine: 3,
          endColumn: 25,
          rule: 'status-column-varchar',
          severity: 'warning',
          message: 'status column typed text',
        },
      ],
    });
    expect(Object.keys(JSON.parse(output))).toEqual(['fileCount', 'errorCount', 'warningCount', 'diagnostics']);
    expect(Object.keys(JSON.parse(output).diagnostics[1])).toEqual([
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'rule',
      'severity',
      'message',
      'hint',
    ]);
  });

  it('prints an empty diagnostics array for a clean run', () => {
    expect(JSON.parse(formatJson(lintResult([], { fileCount: 3 }), { cwd, color: false }))).toEqual({
      fileCount: 3,
      errorCount: 0,
      warningCount: 0,
      diagnostics: [],
    });
  });
});

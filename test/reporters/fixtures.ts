import type { Diagnostic, LintResult } from '../../src/lint/diagnostic.js';

export const cwd = '/project';

export const upFile = '/project/sql/0002_add_status.up.sql';
const downFile = '/project/sql/0002_add_status.down.sql';

const upSource = ['-- add a status', 'ALTER TABLE posts', '  ADD COLUMN status text;', ''].join('\n');
const downSource = 'ALTER TABLE posts DROP COLUMN status;\n';

export function diagnostic(overrides: Partial<Diagnostic> = {}): Diagnostic {
  return {
    file: upFile,
    line: 3,
    column: 3,
    endLine: 3,
    endColumn: 26,
    rule: 'require-if-not-exists',
    severity: 'error',
    message: 'ADD COLUMN without IF NOT EXISTS',
    hint: 'write ADD COLUMN IF NOT EXISTS status',
    ...overrides,
  };
}

/** Counts derived from the diagnostics, as the engine computes them. */
export function lintResult(diagnostics: Diagnostic[], options: { fileCount?: number; sources?: Record<string, string> } = {}): LintResult {
  return {
    fileCount: options.fileCount ?? new Set(diagnostics.map((d) => d.file)).size,
    errorCount: diagnostics.filter((d) => d.severity === 'error').length,
    warningCount: diagnostics.filter((d) => d.severity === 'warning').length,
    diagnostics,
    sources: new Map(Object.entries(options.sources ?? { [upFile]: upSource, [downFile]: downSource })),
  };
}

/** A result with one error and one warning in the up file, and one error in the down file. */
export function mixedResult(): LintResult {
  return lintResult(
    [
      diagnostic({ file: downFile, line: 1, column: 19, endLine: 1, endColumn: 37, rule: 'require-if-exists', message: 'DROP COLUMN without IF EXISTS', hint: undefined }),
      diagnostic(),
      diagnostic({ severity: 'warning', rule: 'status-column-varchar', column: 14, endColumn: 25, message: 'status column typed text', hint: undefined }),
    ],
    { fileCount: 12 },
  );
}

/** The start of an ANSI color (CSI) sequence. */
export const ANSI = /\u001b\[/;

import type { LintResult } from '../lint/diagnostic.js';
import { relativePaths } from './paths.js';
import type { ReporterOptions } from './types.js';

/**
 * What `lint --format json` prints (DESIGN.md §4): the result without the
 * sources, each `file` relative to the working directory, `hint` left out
 * when a diagnostic has none.
 */
export type JsonLintReport = Omit<LintResult, 'sources'>;

/** The one object `lint --format json` prints, with keys in the order DESIGN.md §4 shows. */
export function formatJson(result: LintResult, options: ReporterOptions): string {
  const relativePath = relativePaths(options.cwd);
  const report: JsonLintReport = {
    fileCount: result.fileCount,
    errorCount: result.errorCount,
    warningCount: result.warningCount,
    diagnostics: result.diagnostics.map((diagnostic) => ({
      file: relativePath(diagnostic.file),
      line: diagnostic.line,
      column: diagnostic.column,
      endLine: diagnostic.endLine,
      endColumn: diagnostic.endColumn,
      rule: diagnostic.rule,
      severity: diagnostic.severity,
      message: diagnostic.message,
      ...(diagnostic.hint === undefined ? {} : { hint: diagnostic.hint }),
    })),
  };
  return JSON.stringify(report, null, 2);
}

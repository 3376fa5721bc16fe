import type { DiagnosticSeverity, LintResult } from '../lint/diagnostic.js';
import { relativePath } from './paths.js';
import type { ReporterOptions } from './types.js';

/** One diagnostic in `--format json` (DESIGN.md §4); `hint` is left out when the diagnostic has none. */
export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: DiagnosticSeverity;
  message: string;
  hint?: string;
}

export interface JsonLintReport {
  fileCount: number;
  errorCount: number;
  warningCount: number;
  diagnostics: JsonDiagnostic[];
}

/** The one object `lint --format json` prints, with keys in the order DESIGN.md §4 shows. */
export function formatJson(result: LintResult, options: ReporterOptions): string {
  const report: JsonLintReport = {
    fileCount: result.fileCount,
    errorCount: result.errorCount,
    warningCount: result.warningCount,
    diagnostics: result.diagnostics.map((diagnostic) => ({
      file: relativePath(options.cwd, diagnostic.file),
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

import type { Span } from '../parse/types.js';

/** Severity of a reported finding (config says `warn`, output says `warning`, as DESIGN.md §4). */
export type DiagnosticSeverity = 'error' | 'warning';

/** One finding. Data, never thrown. Positions are 1-based; endColumn is exclusive. */
export interface Diagnostic {
  /** Absolute path; reporters print it relative to the working directory. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Rule id, or `syntax-error`, or `unused-disable` / `unknown-rule` for disable comments. */
  rule: string;
  severity: DiagnosticSeverity;
  message: string;
  hint?: string;
  /** The existing table the statement locks (lock rules); `lint --url` states its size from the catalog. */
  table?: TableName;
}

/** A table as a finding names it; no schema means the configured one. */
export interface TableName {
  schema?: string;
  name: string;
}

/**
 * A finding as a rule or the engine reports it, before the engine applies
 * disable comments, severities and the baseline. Plain data: checkpoints of
 * the lint cache keep the findings of the walk so far.
 */
export interface Finding {
  rule: string;
  file: string;
  span: Span;
  message: string;
  hint?: string;
  maxSeverity?: 'warn';
  table?: TableName;
}

/** What `lint()` returns; reporters turn it into text. */
export interface LintResult {
  /** Number of files reported on. */
  fileCount: number;
  errorCount: number;
  warningCount: number;
  /** Sorted by file, line, column. */
  diagnostics: Diagnostic[];
  /** Contents of the files with findings, by absolute path, for code frames. */
  sources: Map<string, string>;
}

/**
 * The result for the files reported on: counts derived from the (already
 * sorted) diagnostics. A file's text is needed only when it has findings.
 */
export function lintResultOf(diagnostics: Diagnostic[], reported: ReadonlyArray<{ path: string; text?: string }>): LintResult {
  const errorCount = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
  const withFindings = new Set(diagnostics.map((diagnostic) => diagnostic.file));
  const sources = new Map<string, string>();
  for (const file of reported) if (file.text !== undefined && withFindings.has(file.path)) sources.set(file.path, file.text);
  return {
    fileCount: reported.length,
    errorCount,
    warningCount: diagnostics.length - errorCount,
    diagnostics,
    sources,
  };
}

import type { LintResult } from '../lint/diagnostic.js';
import { relativePaths } from './paths.js';
import type { ReporterOptions } from './types.js';

/**
 * GitHub Actions workflow commands, one per diagnostic, which the runner
 * turns into annotations on the pull request:
 * `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<rule>::<message>`.
 * The hint follows the message on its own line. Files are named relative to
 * `options.root` (the repository root), as GitHub resolves them.
 */
export function formatGithub(result: LintResult, options: ReporterOptions): string {
  const relativePath = relativePaths(options.root ?? options.cwd);
  return result.diagnostics
    .map((diagnostic) => {
      const properties = [
        ['file', relativePath(diagnostic.file)],
        ['line', diagnostic.line],
        ['col', diagnostic.column],
        ['endLine', diagnostic.endLine],
        ['endColumn', diagnostic.endColumn],
        ['title', diagnostic.rule],
      ] as const;
      const message = diagnostic.hint === undefined ? diagnostic.message : `${diagnostic.message}\nhint: ${diagnostic.hint}`;
      const command = diagnostic.severity === 'error' ? 'error' : 'warning';
      return `::${command} ${properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',')}::${escapeData(message)}`;
    })
    .join('\n');
}

/** The message part: GitHub's runner decodes %25, %0D and %0A. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: also `:` and `,`, which would otherwise end it. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

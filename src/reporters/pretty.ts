import picocolors from 'picocolors';
import type { Diagnostic, LintResult } from '../lint/diagnostic.js';
import { SourceLines, codeFrame } from './code-frame.js';
import { relativePath } from './paths.js';
import { sanitizeForTerminal } from './text-width.js';
import type { ReporterOptions } from './types.js';

/**
 * For people: diagnostics grouped by file, each as
 * `file:line:col  severity  message  rule-id`, a code frame, the hint, then
 * one summary line.
 */
export function formatPretty(result: LintResult, options: ReporterOptions): string {
  const colors = picocolors.createColors(options.color);
  const blocks: string[] = [];
  const filesWithProblems = new Set<string>();

  for (const [file, diagnostics] of groupByFile(result.diagnostics)) {
    filesWithProblems.add(file);
    const source = result.sources.get(file);
    const lines = source === undefined ? undefined : new SourceLines(source);
    const path = sanitizeForTerminal(relativePath(options.cwd, file));
    for (const diagnostic of diagnostics) {
      const paint = diagnostic.severity === 'error' ? colors.red : colors.yellow;
      const parts = [
        `${colors.bold(`${path}:${diagnostic.line}:${diagnostic.column}`)}  ${paint(diagnostic.severity)}  ${indentContinuation(diagnostic.message)}  ${colors.dim(diagnostic.rule)}`,
      ];
      const frame = lines && codeFrame(lines, diagnostic, { dim: colors.dim, mark: paint });
      if (frame) parts.push(frame);
      if (diagnostic.hint !== undefined) parts.push(`  ${colors.cyan('hint:')} ${indentContinuation(diagnostic.hint)}`);
      blocks.push(parts.join('\n'));
    }
  }

  blocks.push(summary(result, filesWithProblems.size, colors));
  return blocks.join('\n\n');
}

/** Diagnostics by file, files in order of first appearance (the result is sorted by file). */
function groupByFile(diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const groups = new Map<string, Diagnostic[]>();
  for (const diagnostic of diagnostics) {
    const group = groups.get(diagnostic.file);
    if (group) group.push(diagnostic);
    else groups.set(diagnostic.file, [diagnostic]);
  }
  return groups;
}

/** Messages quote the user's SQL, so they are sanitized; their own line breaks stay, indented under the first line. */
function indentContinuation(text: string): string {
  return sanitizeForTerminal(text).replace(/\n/g, '\n    ');
}

function summary(result: LintResult, filesWithProblems: number, colors: ReturnType<typeof picocolors.createColors>): string {
  if (result.errorCount === 0 && result.warningCount === 0) {
    return colors.green(`✔ ${count(result.fileCount, 'file')}, no problems`);
  }
  const text = `${count(result.errorCount, 'error')}, ${count(result.warningCount, 'warning')} in ${count(filesWithProblems, 'file')}`;
  return result.errorCount > 0 ? colors.bold(colors.red(`✖ ${text}`)) : colors.bold(colors.yellow(`⚠ ${text}`));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

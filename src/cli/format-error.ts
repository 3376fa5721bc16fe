import { relative } from 'node:path';
import { SqlmigError, type SourceLocation } from '../errors.js';
import { SourceLines, codeFrame } from '../reporters/code-frame.js';

/** A message a person can act on: `file:line:col: message`, then the hint. Stack only with --verbose. */
export function formatError(error: unknown, options: { verbose: boolean; cwd: string }): string {
  if (error instanceof SqlmigError) {
    const location = error.location;
    let where = '';
    if (location) {
      const file = location.file.startsWith('/') ? relative(options.cwd, location.file) || location.file : location.file;
      where = [file, location.line, location.column].filter((part) => part !== undefined).join(':') + ': ';
    }
    const lines = [`error: ${where}${error.message}`];
    const frame = location && sourceFrame(location);
    if (frame) lines.push(frame);
    if (error.hint) lines.push(`hint: ${error.hint}`);
    if (options.verbose && error.stack) lines.push(error.stack);
    return lines.join('\n');
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`internal error: ${message}`];
  if (options.verbose && error instanceof Error && error.stack) lines.push(error.stack);
  else lines.push('hint: run again with --verbose for details, and report it if it persists');
  return lines.join('\n');
}

const PLAIN = { dim: (text: string) => text, mark: (text: string) => text };

/** The code frame lint findings get (sanitised for the terminal), under the line and column an error points at. */
function sourceFrame({ source, line, column }: SourceLocation): string | undefined {
  if (source === undefined || line === undefined) return undefined;
  const at = column ?? 1;
  return codeFrame(new SourceLines(source), { line, column: at, endLine: line, endColumn: at + 1 }, PLAIN);
}

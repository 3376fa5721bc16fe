import { relative } from 'node:path';
import { SqlmigError } from '../errors.js';

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

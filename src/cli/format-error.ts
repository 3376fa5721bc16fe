import { relative, resolve } from 'node:path';
import { SqlmigError, type SourceLocation } from '../errors.js';
import { toolPlace, type InPlaceFolder } from '../migrations/layouts/in-place.js';
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

/**
 * A failure in a converted file of another tool's folder (up or down in place) is shown at the
 * tool's file and line: its location, and every `file:line` of a converted file its message names
 * (the lint gate's findings, refusals).
 */
export function atToolPlace(error: unknown, inPlace: InPlaceFolder | undefined, cwd: string): unknown {
  if (!inPlace || !(error instanceof SqlmigError)) return error;
  let location = error.location;
  if (location !== undefined) {
    const place = toolPlace(inPlace, resolve(cwd, location.file), location.line ?? 1);
    location = { ...location, file: place.file, ...(location.line !== undefined ? { line: place.line } : {}) };
  }
  let message = error.message;
  for (const converted of inPlace.origins.keys()) {
    const shown = relative(cwd, converted);
    if (!message.includes(shown)) continue;
    message = message
      .split(shown)
      .map((piece, index) => {
        if (index === 0) return piece;
        const line = /^:(\d+)/.exec(piece);
        const place = toolPlace(inPlace, converted, line ? Number(line[1]) : 1);
        return relative(cwd, place.file) + (line ? `:${place.line}${piece.slice(line[0].length)}` : piece);
      })
      .join('');
  }
  // A copy with the tool's places: the error's fields are its own, so the copy formats the same way.
  return Object.assign(Object.create(Object.getPrototypeOf(error) as object) as SqlmigError, error, { location, message, stack: error.stack });
}

const PLAIN = { dim: (text: string) => text, mark: (text: string) => text };

/** The code frame lint findings get (sanitised for the terminal), under the line and column an error points at. */
function sourceFrame({ source, line, column }: SourceLocation): string | undefined {
  if (source === undefined || line === undefined) return undefined;
  const at = column ?? 1;
  return codeFrame(new SourceLines(source), { line, column: at, endLine: line, endColumn: at + 1 }, PLAIN);
}

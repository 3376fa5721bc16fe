import { relative, sep } from 'node:path';

/** A diagnostic's file as printed: relative to the working directory, with forward slashes on every platform. */
export function relativePath(cwd: string, file: string): string {
  return relative(cwd, file).split(sep).join('/');
}

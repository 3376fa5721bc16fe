import { relative, sep } from 'node:path';

/** A diagnostic's file as printed: relative to the working directory, with forward slashes on every platform. */
export function relativePath(cwd: string, file: string): string {
  return relative(cwd, file).split(sep).join('/');
}

/**
 * `relativePath` for many diagnostics: worked out once per file (path.relative
 * resolves both paths each call, and a large project has thousands of findings).
 */
export function relativePaths(cwd: string): (file: string) => string {
  const paths = new Map<string, string>();
  return (file) => {
    let path = paths.get(file);
    if (path === undefined) {
      path = relativePath(cwd, file);
      paths.set(file, path);
    }
    return path;
  };
}

import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** A diagnostic's file as printed: relative to the working directory, with forward slashes on every platform. */
export function relativePath(cwd: string, file: string): string {
  return relative(cwd, file).split(sep).join('/');
}

/**
 * `relativePath` for many diagnostics: worked out once per folder (path.relative
 * resolves both paths each call, and a large project has thousands of findings
 * in hundreds of files, nearly all in one folder).
 */
export function relativePaths(cwd: string): (file: string) => string {
  const folders = new Map<string, string>();
  const paths = new Map<string, string>();
  return (file) => {
    let path = paths.get(file);
    if (path === undefined) {
      const cut = file.lastIndexOf(sep);
      if (cut < 0) return relativePath(cwd, file);
      const folder = cut > 0 ? file.slice(0, cut) : sep;
      let relativeFolder = folders.get(folder);
      if (relativeFolder === undefined) {
        relativeFolder = relativePath(cwd, folder);
        folders.set(folder, relativeFolder);
      }
      const name = file.slice(cut + 1);
      path = relativeFolder === '' ? name : `${relativeFolder}/${name}`;
      paths.set(file, path);
    }
    return path;
  };
}

/**
 * The root of the git work tree holding `start` (the nearest folder upward
 * with a `.git` folder, or a `.git` file as in linked work trees and
 * submodules), or undefined outside git. Read from the file system, so lint
 * needs no git binary.
 */
export function repositoryRoot(start: string): string | undefined {
  for (let folder = resolve(start); ; folder = dirname(folder)) {
    if (existsSync(join(folder, '.git'))) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}

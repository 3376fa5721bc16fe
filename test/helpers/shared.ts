/**
 * Where ../shared is (the migration corpus, its tools' layouts and DESIGN.md): $SQLMIG_SHARED, else
 * beside this repository, else beside the repository this checkout was cloned from (a clean clone
 * in a temporary folder, as CI makes, has no shared/ beside it). Throws, naming where it looked,
 * when none holds it: a test that needs the corpus fails rather than skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

function originCheckout(): string | null {
  try {
    const url = execFileSync('git', ['-C', REPO, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8' }).trim();
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    return isAbsolute(path) ? path : null;
  } catch {
    return null;
  }
}

function findShared(): string {
  const candidates = [process.env.SQLMIG_SHARED, join(REPO, '..', 'shared')];
  const origin = originCheckout();
  if (origin !== null) candidates.push(join(dirname(resolve(origin, '.')), 'shared'));
  const tried = candidates.filter((candidate): candidate is string => candidate !== undefined && candidate !== '');
  const found = tried.find((candidate) => existsSync(join(candidate, 'corpus')));
  if (found === undefined) throw new Error(`../shared (the corpus) is not at ${tried.join(' nor ')}: put shared/ beside the repository or set SQLMIG_SHARED`);
  return found;
}

let shared: string | undefined;

/** A path inside ../shared, e.g. `sharedPath('corpus')`. */
export function sharedPath(...parts: string[]): string {
  shared ??= findShared();
  return join(shared, ...parts);
}

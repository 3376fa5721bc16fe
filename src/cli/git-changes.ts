/** `lint --since <ref>`: the migration files git says were added or changed since a ref. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Files of the migrations folder `dir` added or changed since `ref` (committed
 * since, staged, or only in the working tree, and new untracked ones), as
 * `<dir>/<file name>`. Deleted files are left out: there is nothing to report on.
 */
export function changedSince(ref: string, dir: string): Set<string> {
  const names = [
    ...git(dir, ['diff', '--name-only', '--relative', '--diff-filter=ACMR', ref, '--', '.'], ref),
    ...git(dir, ['ls-files', '--others', '--exclude-standard', '--', '.'], ref),
  ];
  // Files directly in the folder: the sequence has no subfolders.
  return new Set(names.filter((name) => name !== '' && !name.includes('/')).map((name) => join(dir, name)));
}

function git(cwd: string, args: string[], ref: string): string[] {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n');
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim().split('\n')[0];
    throw new UsageError(`--since ${ref}: git failed: ${stderr}`, {
      hint: 'run lint inside a git checkout, and give a ref git knows (fetch it first in CI: e.g. git fetch origin main)',
    });
  }
}

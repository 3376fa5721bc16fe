/**
 * What git knows about the migrations folder: which files are committed (in
 * HEAD), for telling a draft migration from one that may be applied
 * somewhere. Read with the git command, as the user's hooks and CI do; no
 * git, or a folder outside a work tree, is "not in git".
 */
import { execFile } from 'node:child_process';

function git(dir: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => resolve(error ? undefined : stdout));
  });
}

/** Whether `dir` is inside a git work tree. */
export async function inGitWorkTree(dir: string): Promise<boolean> {
  return (await git(dir, ['rev-parse', '--is-inside-work-tree']))?.trim() === 'true';
}

/**
 * The names of the files directly in `dir` that HEAD holds; empty in a
 * repository without a commit yet; undefined outside a git work tree.
 */
export async function committedFileNames(dir: string): Promise<Set<string> | undefined> {
  if (!(await inGitWorkTree(dir))) return undefined;
  const head = await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (head === undefined) return new Set();
  // In a subfolder ls-tree lists that folder, with names relative to it.
  const listing = await git(dir, ['ls-tree', '-z', '--name-only', 'HEAD', '--', '.']);
  return new Set((listing ?? '').split('\0').filter((name) => name !== '' && !name.includes('/')));
}

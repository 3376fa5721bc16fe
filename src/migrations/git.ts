/**
 * What git knows about the migrations folder: which files are committed (in
 * HEAD), for telling a draft migration from one that may be applied
 * somewhere. Read with the git command, as the user's hooks and CI do; no
 * git, or a folder outside a work tree, is "not in git".
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { FileError } from '../errors.js';

/** git's output, or undefined when it failed (or is not installed). */
function git(dir: string, args: readonly string[], input?: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = execFile('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
    // git may exit before reading it all (it failed): that shows in its exit status, not as EPIPE here.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

/** Whether `dir` is inside a git work tree. */
async function inGitWorkTree(dir: string): Promise<boolean> {
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

/**
 * Writes the staged (index) content of the files directly in `dir` into a
 * new folder below `into`, and returns that folder: what a commit would
 * record, for `lint --staged`. Undefined outside a git work tree.
 */
export async function checkOutStaged(dir: string, into: string): Promise<string | undefined> {
  if (!(await inGitWorkTree(dir))) return undefined;
  const prefix = (await git(dir, ['rev-parse', '--show-prefix']))?.trim() ?? '';
  const listing = await git(dir, ['ls-files', '-z', '--', '.']);
  const names = (listing ?? '').split('\0').filter((name) => name !== '' && !name.includes('/'));
  const staged = join(into, prefix);
  await mkdir(staged, { recursive: true });
  if (names.length > 0) {
    // checkout-index writes each file at <prefix><path from the repository root>.
    const written = await git(dir, ['checkout-index', '--force', '-z', '--stdin', `--prefix=${into}${sep}`], names.join('\0'));
    if (written === undefined) throw new FileError(`${dir}: git could not write the staged migrations out (git checkout-index failed)`);
  }
  return staged;
}

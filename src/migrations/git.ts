/**
 * What git knows about the migrations folder: which files are committed (in
 * HEAD), for telling a draft migration from one that may be applied
 * somewhere; which are staged (`lint --staged`); which changed since a ref
 * (`lint --since`). Read with the git command, as the user's hooks and CI do;
 * no git, or a folder outside a work tree, is "not in git".
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { FileError, UsageError } from '../errors.js';

/** What one git command printed, or why it failed (its first line of stderr). The one way sqlmig runs git. */
type GitOutput = { ok: true; stdout: string } | { ok: false; reason: string };

function runGit(dir: string, args: readonly string[], input?: string): Promise<GitOutput> {
  return new Promise((resolve) => {
    const child = execFile('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve(error ? { ok: false, reason: (String(stderr).trim() || error.message).split('\n')[0]! } : { ok: true, stdout }),
    );
    // git may exit before reading it all (it failed): that shows in its exit status, not as EPIPE here.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

/** git's output, or undefined when it failed (or is not installed). */
async function git(dir: string, args: readonly string[], input?: string): Promise<string | undefined> {
  const output = await runGit(dir, args, input);
  return output.ok ? output.stdout : undefined;
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

/**
 * Files of the migrations folder `dir` added or changed since `ref` (committed
 * since, staged, or only in the working tree, and new untracked ones), as
 * `<dir>/<file name>`. Deleted files are left out: there is nothing to report on.
 */
export async function changedSince(ref: string, dir: string): Promise<Set<string>> {
  const listings = await Promise.all([
    gitOrUsageError(dir, ['diff', '--name-only', '--relative', '--diff-filter=ACMR', ref, '--', '.'], ref),
    gitOrUsageError(dir, ['ls-files', '--others', '--exclude-standard', '--', '.'], ref),
  ]);
  const names = listings.flatMap((listing) => listing.split('\n'));
  // Files directly in the folder: the sequence has no subfolders.
  return new Set(names.filter((name) => name !== '' && !name.includes('/')).map((name) => join(dir, name)));
}

async function gitOrUsageError(dir: string, args: readonly string[], ref: string): Promise<string> {
  const output = await runGit(dir, args);
  if (output.ok) return output.stdout;
  throw new UsageError(`--since ${ref}: git failed: ${output.reason}`, {
    hint: 'run lint inside a git checkout, and give a ref git knows (fetch it first in CI: e.g. git fetch origin main)',
  });
}

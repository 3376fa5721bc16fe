import { unlinkSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ConnectionError } from '../errors.js';

/**
 * PGlite is a whole PostgreSQL inside this process, without the postmaster
 * that keeps other processes out of its data folder, and PGlite itself takes
 * no lock. Two processes on one folder would each cache and write its pages
 * and corrupt it, so a session holds `<folder>.lock` (pid, host, time) from
 * open to close. A lock whose process is gone (killed, crashed) is taken over.
 */

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export interface FolderLockOptions {
  /** Seconds to wait for another process to close the folder. */
  waitSeconds: number;
  /** Told once per wait, with who holds the folder. */
  onWait?: (reason: string) => void;
}

/** Lock files this process holds, removed even when it exits without closing (process.exit in a signal handler). */
const held = new Set<string>();
process.on('exit', () => {
  for (const path of held) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
});

const POLL_MS = 100;

/** Takes the folder's lock, waiting up to `waitSeconds`; returns its release (idempotent). */
export async function lockFolder(folder: string, options: FolderLockOptions): Promise<() => Promise<void>> {
  const path = `${folder}.lock`;
  const deadline = Date.now() + options.waitSeconds * 1000;
  let announced = false;
  for (let attempt = 0; ; attempt++) {
    let holder = 'another session of this process';
    let holderKnown = true;
    if (!held.has(path)) {
      if (await tryCreate(path)) break;
      const owner = await readOwner(path);
      if (owner !== undefined && isStale(owner)) {
        await removeIfUnchanged(path, owner);
        continue;
      }
      holderKnown = owner !== undefined;
      holder = owner ? describe(owner) : 'another process (its lock file is being written, or cannot be read)';
    }
    if (Date.now() >= deadline) throw busy(folder, path, holder, options.waitSeconds);
    // A lock file caught while its owner writes it names nobody yet: one poll later it usually does.
    if (!announced && (holderKnown || attempt > 0)) {
      options.onWait?.(`the embedded database ${folder} is in use by ${holder}`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
  held.add(path);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    held.delete(path);
    await unlink(path).catch(() => undefined);
  };
}

async function tryCreate(path: string): Promise<boolean> {
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  try {
    const file = await open(path, 'wx', 0o600);
    try {
      await file.writeFile(JSON.stringify(owner));
    } finally {
      await file.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ConnectionError(`cannot create the lock file ${path}: ${(error as Error).message}`, {
      hint: 'check that the folder of the embedded database is writable',
    });
  }
}

/** The owner recorded in the file; undefined while it is being written or after it was removed. */
async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, host: String(owner.host), since: String(owner.since) } : undefined;
  } catch {
    return undefined;
  }
}

/** Only a process on this machine can be checked; its pid may be this process's own when a container restarted. */
function isStale(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return true; // this process holds no such lock (`held` says so): left by an earlier one
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Re-reads before removing, so a lock another process has just taken over is not removed in its place. */
async function removeIfUnchanged(path: string, stale: LockOwner): Promise<void> {
  const now = await readOwner(path);
  if (now && now.pid === stale.pid && now.since === stale.since) await unlink(path).catch(() => undefined);
}

function describe(owner: LockOwner): string {
  const where = owner.host === hostname() ? '' : ` on ${owner.host}`;
  return `process ${owner.pid}${where} (since ${owner.since})`;
}

function busy(folder: string, path: string, holder: string, waitSeconds: number): ConnectionError {
  return new ConnectionError(
    `the embedded database ${folder} is in use by ${holder}${waitSeconds > 0 ? `; gave up after ${waitSeconds} s` : ''}`,
    {
      hint:
        'PGlite lets one process at a time open its folder: wait for that command to finish (or pass --wait <seconds>); ' +
        `if no such process runs any more, delete ${path}`,
    },
    'DATABASE_BUSY',
  );
}

import { UsageError } from '../errors.js';
import { LOCK_MODES, type LockMode } from '../lint/rule.js';

export type { LockMode };

/** Whether `mode` is `threshold` or stronger (LOCK_MODES runs weakest first; each conflicts with at least what the one before does). */
export function atLeast(mode: LockMode, threshold: LockMode): boolean {
  return LOCK_MODES.indexOf(mode) >= LOCK_MODES.indexOf(threshold);
}

/** SHARE and stronger conflict with ROW EXCLUSIVE, the lock every INSERT, UPDATE and DELETE takes. */
export function blocksWrites(mode: LockMode): boolean {
  return atLeast(mode, 'ShareLock');
}

/**
 * What other sessions cannot do while the lock is held, after PostgreSQL's
 * conflict table ("Table-Level Locks"): only ACCESS EXCLUSIVE conflicts with
 * plain SELECT; SHARE and stronger with INSERT, UPDATE and DELETE; SHARE
 * UPDATE EXCLUSIVE and stronger with other schema changes, VACUUM and
 * CREATE INDEX CONCURRENTLY.
 */
export function whatItBlocks(mode: LockMode): string {
  if (mode === 'AccessExclusiveLock') return 'reads and writes';
  if (blocksWrites(mode)) return 'writes';
  if (mode === 'ShareUpdateExclusiveLock') return 'schema changes';
  return 'ACCESS EXCLUSIVE only';
}

/** The strongest of `modes`, or null when there is none. */
export function strongest(modes: Iterable<LockMode>): LockMode | null {
  let best = -1;
  for (const mode of modes) best = Math.max(best, LOCK_MODES.indexOf(mode));
  return best < 0 ? null : LOCK_MODES[best]!;
}

function isLockMode(name: string): name is LockMode {
  return (LOCK_MODES as readonly string[]).includes(name);
}

/** `--fail-on-lock` names a mode as pg_locks does (`ShareLock`); anything else is a usage error listing them. */
export function parseLockMode(name: string, option: string): LockMode {
  if (isLockMode(name)) return name;
  const exact = LOCK_MODES.find((mode) => mode.toLowerCase() === name.replace(/[\s_-]/g, '').toLowerCase() || mode.toLowerCase() === `${name.replace(/[\s_-]/g, '')}lock`.toLowerCase());
  throw new UsageError(`${option} ${JSON.stringify(name)} is not a lock mode`, {
    hint: `${exact ? `did you mean ${exact}? ` : ''}use one of ${LOCK_MODES.join(', ')} (weakest first, as pg_locks names them)`,
  });
}

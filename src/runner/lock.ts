import { ConnectionError } from '../errors.js';
import type { DatabaseSession } from '../db/port.js';
import { sleep } from './sleep.js';
import { quoteLiteral } from './sql-quote.js';
import type { TrackingTable } from './tracking.js';

/**
 * The advisory lock key of one tracking table, as an SQL expression: the first 8 bytes of
 * sha256('sqlmig:<schema>.<table>') as a signed bigint, so runners on different tables never block each
 * other. The server hashes (sha256(), PostgreSQL 11+): a run whose checksums all come from the cache then
 * loads no hashing code at all.
 */
export function lockKeySql(table: TrackingTable): string {
  const name = quoteLiteral(`sqlmig:${table.schema}.${table.table}`);
  return `('x' || left(encode(sha256(convert_to(${name}, 'UTF8')), 'hex'), 16))::bit(64)::bigint`;
}

/** The session holding the lock, as pg_stat_activity shows it (fields may be hidden from unprivileged roles). */
export interface LockHolder {
  pid: number;
  applicationName: string | null;
  user: string | null;
  clientAddr: string | null;
  since: Date | null;
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'another session (it may just have finished)';
  const parts = [`pid ${holder.pid}`];
  if (holder.applicationName) parts.push(`application "${holder.applicationName}"`);
  if (holder.user) parts.push(`user ${holder.user}`);
  if (holder.clientAddr) parts.push(`from ${holder.clientAddr}`);
  if (holder.since) parts.push(`connected since ${holder.since.toISOString()}`);
  return parts.join(', ');
}

export interface AcquireOptions {
  /** Seconds to wait for another runner; 0 gives up at once. */
  waitSeconds: number;
  /** Told once when the lock is busy and the wait begins. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** Ends the wait early (the caller then reports the interruption). */
  signal?: AbortSignal;
}

/** Pauses between tries: short at first (a holder that is about to finish), then at most POLL_MAX_MS. */
const POLL_FIRST_MS = 25;
const POLL_MAX_MS = 500;

/**
 * Takes the session-level advisory lock. A busy lock is polled with
 * pg_try_advisory_lock, one short statement at a time, never waited for in a
 * blocking pg_advisory_lock: a statement that waits holds a snapshot, and the
 * holder's CREATE INDEX CONCURRENTLY waits for every older snapshot to end, so
 * the two runs would deadlock. Returns false when `signal` ends the wait.
 */
export async function acquireLock(db: DatabaseSession, table: TrackingTable, options: AcquireOptions): Promise<boolean> {
  const tryLock = async () =>
    (await db.query<{ locked: boolean; key: string }>(
      `SELECT pg_try_advisory_lock(key) AS locked, key::text AS key FROM (SELECT ${lockKeySql(table)} AS key) AS lock`,
    ))[0]!;
  const first = await tryLock();
  if (first.locked) return true;
  const key = BigInt(first.key);
  const holder = await lockHolder(db, key);
  options.onWait?.(holder);
  const deadline = performance.now() + options.waitSeconds * 1000;
  let pause = POLL_FIRST_MS;
  while (performance.now() < deadline) {
    if (!(await sleep(Math.min(pause, deadline - performance.now()), options.signal))) return false;
    if ((await tryLock()).locked) return true;
    pause = Math.min(pause * 2, POLL_MAX_MS);
  }
  throw lockTimeout(table, options.waitSeconds, (await lockHolder(db, key)) ?? holder);
}

async function lockHolder(db: DatabaseSession, key: bigint): Promise<LockHolder | undefined> {
  // A bigint advisory key shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
  const unsigned = BigInt.asUintN(64, key);
  const [row] = await db.query<{
    pid: number;
    application_name: string | null;
    usename: string | null;
    client_addr: string | null;
    backend_start: Date | null;
  }>(
    `SELECT l.pid, a.application_name, a.usename::text AS usename, host(a.client_addr) AS client_addr, a.backend_start
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = ${unsigned >> 32n}::oid AND l.objid = ${unsigned & 0xffffffffn}::oid
        AND l.pid <> pg_backend_pid()`,
  );
  if (!row) return undefined;
  return {
    pid: row.pid,
    applicationName: row.application_name || null,
    user: row.usename,
    clientAddr: row.client_addr,
    since: row.backend_start,
  };
}

function lockTimeout(table: TrackingTable, waitSeconds: number, holder: LockHolder | undefined): ConnectionError {
  return new ConnectionError(
    `another run holds the migration lock of ${table.sql}: ${describeHolder(holder)}; gave up after ${waitSeconds} s`,
    {
      hint:
        'wait for that run to finish, or wait longer with --lock-wait <seconds> (config "lockWait")' +
        (holder ? `; if it is stuck, end it with SELECT pg_terminate_backend(${holder.pid})` : ''),
    },
    'LOCK_TIMEOUT',
  );
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../src/config/types.js';
import { openDatabase, ServerError, type DatabaseSession } from '../../src/db/index.js';
import { ConnectionError } from '../../src/errors.js';
import { redactUrl } from '../../src/redact.js';
import { acquireLock } from '../../src/runner/lock.js';
import { trackingTable } from '../../src/runner/tracking.js';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';

function connection(url: string): ResolvedConnection {
  return { url, redacted: redactUrl(url), source: '--url', secrets: [] };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

describe('postgres.js adapter', () => {
  let db: FreshDatabase;
  let session: DatabaseSession;

  beforeAll(async () => {
    db = await freshDatabase();
    session = await openDatabase(connection(db.url));
  });
  afterAll(async () => {
    await session?.close();
    await db?.drop();
  });

  it('exec sends a multi-statement script as one simple-protocol message', async () => {
    // The extended protocol refuses several commands in one message; the simple protocol runs them.
    await session.exec("CREATE TABLE t (a int PRIMARY KEY, b text); INSERT INTO t VALUES (1, '$1'); INSERT INTO t VALUES (2, 'two')");
    expect(await session.query('SELECT a, b FROM t ORDER BY a')).toEqual([
      { a: 1, b: '$1' },
      { a: 2, b: 'two' },
    ]);
  });

  it('query binds parameters', async () => {
    expect(await session.query('SELECT b FROM t WHERE a = $1', [2])).toEqual([{ b: 'two' }]);
  });

  it('names itself sqlmig in pg_stat_activity', async () => {
    expect(await session.query('SELECT current_setting($1) AS name', ['application_name'])).toEqual([{ name: 'sqlmig' }]);
  });

  it('normalises server errors; position counts characters over the whole message', async () => {
    const script = "SELECT 'é🐘'; SELECT nope FROM t";
    const error = await session.exec(script).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: '42703', message: 'column "nope" does not exist' });
    expect((error as ServerError).position).toBe([...script.slice(0, script.indexOf('nope'))].length + 1);

    const duplicate = (await session.exec('INSERT INTO t VALUES (1, null)').catch((e: unknown) => e)) as ServerError;
    expect(duplicate).toMatchObject({ code: '23505', detail: 'Key (a)=(1) already exists.' });
    expect(duplicate.position).toBeUndefined();

    const hinted = (await session.exec('SELECT t.bb FROM t').catch((e: unknown) => e)) as ServerError;
    expect(hinted.hint).toMatch(/Perhaps you meant to reference the column "t.b"/);
  });

  it('leaves a failed BEGIN script aborted, and usable after ROLLBACK', async () => {
    await expect(session.exec('BEGIN; INSERT INTO t VALUES (3, null); SELECT 1/0; COMMIT;')).rejects.toMatchObject({ code: '22012' });
    await expect(session.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await session.exec('ROLLBACK');
    expect(await session.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 2 }]);
  });

  it('never reconnects silently: a terminated session is a ConnectionError from then on', async () => {
    const victim = await openDatabase(connection(db.url));
    const [{ pid }] = (await victim.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    await session.query('SELECT pg_terminate_backend($1)', [pid]);
    await expect(victim.query('SELECT 1')).rejects.toBeInstanceOf(ConnectionError);
    await expect(victim.query('SELECT 1')).rejects.toThrow(/lost the connection/);
    await victim.close();
  });
});

describe('connection failures', () => {
  let base: string;
  beforeAll(async () => {
    const db = await freshDatabase();
    base = db.url;
    await db.drop();
  });

  it('a missing database: exit 2 with a hint to create it', async () => {
    const error = (await openDatabase(connection(withDatabase(base, 'no_such_db'))).catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('database "no_such_db" does not exist');
    expect(error.hint).toContain('createdb');
  });

  it('a refused port: exit 2; --wait retries until it gives up', async () => {
    const url = new URL(base);
    url.port = '1';
    const error = (await openDatabase(connection(url.toString())).catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain('connection refused');

    const reasons: string[] = [];
    const started = Date.now();
    await expect(openDatabase(connection(url.toString()), { wait: 1.2, onRetry: (reason) => reasons.push(reason) })).rejects.toBeInstanceOf(ConnectionError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(reasons.length).toBeGreaterThanOrEqual(1);
    expect(reasons[0]).toBe('connection refused');
  });
});

describe('advisory lock', () => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a second session waits for the first, bounded by waitSeconds', async () => {
    const table = trackingTable('public', 'sqlmig_migrations');
    const first = await openDatabase(connection(db.url));
    const second = await openDatabase(connection(db.url));
    try {
      await acquireLock(first, table, { waitSeconds: 0 });
      const waits: unknown[] = [];
      await expect(acquireLock(second, table, { waitSeconds: 0.3, onWait: (holder) => waits.push(holder) })).rejects.toMatchObject({
        code: 'LOCK_TIMEOUT',
        exitCode: 2,
      });
      expect(waits).toEqual([expect.objectContaining({ applicationName: 'sqlmig', pid: expect.any(Number) })]);
      // Another table's runner is not blocked.
      await acquireLock(second, trackingTable('other', 'sqlmig_migrations'), { waitSeconds: 0 });

      const waiting = acquireLock(second, table, { waitSeconds: 10 });
      setTimeout(() => void first.close(), 200);
      await waiting;
      // The lock wait does not leave lock_timeout changed for the migrations that follow.
      expect(await second.query("SELECT current_setting('lock_timeout') AS t")).toEqual([{ t: '0' }]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../src/config/types.js';
import { openDatabase, ServerError, type DatabaseSession, type Notice } from '../../src/db/index.js';
import { ConnectionError } from '../../src/errors.js';
import { acquireLock, lockKeySql } from '../../src/runner/lock.js';
import { trackingTable } from '../../src/runner/tracking.js';
import { freshDatabase } from '../helpers/database.js';

/**
 * The database port's contract: the same tests on the embedded database
 * (PGlite, in memory) and on a PostgreSQL server (a fresh database), so the
 * runner and verify can rely on either behaving the same.
 */
interface Adapter {
  name: string;
  kind: 'pglite' | 'postgres';
  /** Opens a session; `done` drops what it created. */
  start(): Promise<{ connection: ResolvedConnection; done(): Promise<void> }>;
}

const adapters: Adapter[] = [
  {
    name: 'PGlite (pglite://memory)',
    kind: 'pglite',
    start: async () => ({
      connection: { url: 'pglite://memory', redacted: 'pglite://memory', source: '--url', secrets: [], pglite: { dataDir: null } },
      done: async () => {},
    }),
  },
  {
    name: 'PostgreSQL server (postgres.js)',
    kind: 'postgres',
    start: async () => {
      const database = await freshDatabase();
      return { connection: { url: database.url, redacted: database.url, source: '--url', secrets: [] }, done: database.drop };
    },
  },
];

describe.each(adapters)('database port contract: $name', (adapter) => {
  let db: DatabaseSession;
  let done: () => Promise<void>;
  const notices: Notice[] = [];

  beforeAll(async () => {
    const started = await adapter.start();
    done = started.done;
    db = await openDatabase(started.connection, { onNotice: (notice) => notices.push(notice) });
  });
  afterAll(async () => {
    await db.close();
    await done();
  });

  it('says which kind of database it is and how error positions count', () => {
    expect(db.kind).toBe(adapter.kind);
    expect(db.positionUnit).toBe('character');
  });

  it('runs a script of several statements in one call', async () => {
    await db.exec(`
      CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);
      INSERT INTO users VALUES (1, 'a@example.com');
      INSERT INTO users VALUES (2, 'b@example.com');
      SELECT 1;
    `);
    expect(await db.query('SELECT id, email FROM users ORDER BY id')).toEqual([
      { id: 1, email: 'a@example.com' },
      { id: 2, email: 'b@example.com' },
    ]);
  });

  it('binds $n parameters and returns the common types alike', async () => {
    const [row] = await db.query(
      `SELECT $1::int AS int4, $2::text AS text, 9007199254740993::int8 AS int8, 1.50::numeric AS numeric,
              true AS bool, NULL::text AS nothing, '{"a": [1]}'::jsonb AS jsonb, '2024-05-01T12:00:00Z'::timestamptz AS at`,
      [42, "it's"],
    );
    expect(row).toEqual({
      int4: 42,
      text: "it's",
      int8: '9007199254740993',
      numeric: '1.50',
      bool: true,
      nothing: null,
      jsonb: { a: [1] },
      at: new Date('2024-05-01T12:00:00Z'),
    });
  });

  it('reports server errors with code, severity and a position in the whole script', async () => {
    const error = await db.exec('SELECT 1;\nSELECT * FROM no_such_table;').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ message: 'relation "no_such_table" does not exist', code: '42P01', position: 25, severity: 'ERROR' });
  });

  it('reports detail, hint and where', async () => {
    const duplicate = await db.exec("INSERT INTO users VALUES (1, 'again@example.com');").catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ code: '23505', detail: 'Key (id)=(1) already exists.' });

    const noFunction = await db.query('SELECT no_such_function(1)').catch((e: unknown) => e);
    expect(noFunction).toMatchObject({ code: '42883', position: 8 });
    expect((noFunction as ServerError).hint).toMatch(/No function matches the given name and argument types/);

    const raised = await db.exec("DO $$ BEGIN RAISE EXCEPTION 'stop here' USING HINT = 'do this'; END $$;").catch((e: unknown) => e);
    expect(raised).toMatchObject({ message: 'stop here', code: 'P0001', hint: 'do this' });
    expect((raised as ServerError).where).toMatch(/PL\/pgSQL function inline_code_block line 1 at RAISE/);
  });

  it('stops a script at its first error, and a script without BEGIN is all or nothing', async () => {
    await db.exec('CREATE TABLE before_error (); SELECT 1/0; CREATE TABLE after_error ();').catch(() => undefined);
    expect(await db.query("SELECT to_regclass('before_error') IS NULL AS gone, to_regclass('after_error') IS NULL AS never")).toEqual([
      { gone: true, never: true },
    ]);
  });

  it('leaves a failed transaction open and aborted until the caller rolls back', async () => {
    const error = await db.exec('BEGIN; CREATE TABLE in_transaction (id int); SELECT 1/0; COMMIT;').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '22012' });
    const aborted = await db.query('SELECT 1').catch((e: unknown) => e);
    expect(aborted).toMatchObject({ code: '25P02' });
    await db.exec('ROLLBACK');
    expect(await db.query("SELECT to_regclass('in_transaction') IS NULL AS rolled_back")).toEqual([{ rolled_back: true }]);
  });

  it('runs a statement that refuses transactions when it is the only one in the script', async () => {
    await db.exec('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email)');
    const error = await db.exec('SELECT 1; DROP INDEX CONCURRENTLY users_email;').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '25001' });
    await db.exec('DROP INDEX CONCURRENTLY users_email');
  });

  it("holds the runner's session-level advisory lock across transactions", async () => {
    const table = trackingTable('public', 'sqlmig_migrations');
    await acquireLock(db, table, { waitSeconds: 0 });
    await db.exec('BEGIN; SELECT 1; COMMIT;');
    const [held] = await db.query<{ count: string }>(
      "SELECT count(*) AS count FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted",
    );
    expect(held?.count).toBe('1');
    await db.query(`SELECT pg_advisory_unlock(${lockKeySql(table)})`);
    const [after] = await db.query<{ count: string }>("SELECT count(*) AS count FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()");
    expect(after?.count).toBe('0');
  });

  it('passes notices to onNotice', async () => {
    notices.length = 0;
    await db.exec("DROP TABLE IF EXISTS never_existed; DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$;");
    expect(notices).toEqual([
      { severity: 'NOTICE', message: 'table "never_existed" does not exist, skipping', code: '00000' },
      { severity: 'NOTICE', message: 'hello 42', code: '00000' },
    ]);
  });

  it('closes idempotently and refuses work afterwards', async () => {
    const started = await adapter.start();
    const session = await openDatabase(started.connection);
    await session.close();
    await session.close();
    await expect(session.query('SELECT 1')).rejects.toBeInstanceOf(ConnectionError);
    await started.done();
  });
});

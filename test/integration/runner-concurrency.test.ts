import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockKeySql } from '../../src/runner/lock.js';
import { trackingTable } from '../../src/runner/tracking.js';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { cli, createProject, spawnCli, type Project } from '../fixtures/runner/project.js';

describe('two runs at once', () => {
  let db: FreshDatabase;
  let project: Project;

  beforeAll(async () => {
    db = await freshDatabase();
    project = await createProject();
    await project.write('0001_log.up.sql', 'CREATE TABLE IF NOT EXISTS run_log (version int NOT NULL, pid int NOT NULL);\nINSERT INTO run_log VALUES (1, pg_backend_pid());\n');
    for (let version = 2; version <= 7; version++) {
      const slow = version === 3 ? 'SELECT pg_sleep(1);\n' : '';
      await project.write(
        `000${version}_step_${version}.up.sql`,
        `CREATE TABLE IF NOT EXISTS t${version} (id int);\n${slow}INSERT INTO run_log VALUES (${version}, pg_backend_pid());\n`,
      );
    }
  });
  afterAll(async () => {
    await project?.cleanup();
    await db?.drop();
  });

  it('the lock key is the first 8 bytes of sha256("sqlmig:<schema>.<table>"), as before the server computed it', async () => {
    // Runs of earlier sqlmig versions computed it in the client: both must take the same lock.
    const names: Array<[string, string]> = [
      ['public', 'sqlmig_migrations'],
      ['Ops Schema', "Mig'rations\\é"],
    ];
    for (const [schema, table] of names) {
      const [row] = await withConnection(db.url, (sql) => sql.unsafe(`SELECT ${lockKeySql(trackingTable(schema, table))}::text AS key`));
      const expected = createHash('sha256').update(`sqlmig:${schema}.${table}`).digest().readBigInt64BE(0);
      expect(BigInt(row!.key as string)).toBe(expected);
    }
  });

  it('two `up` processes on 7 pending files: both exit 0, each migration applied exactly once', async () => {
    const args = ['--url', db.url, 'up', '--no-lint'];
    const [first, second] = await Promise.all([spawnCli(project, args), spawnCli(project, args)]);
    expect(first.stderr + second.stderr).not.toContain('error');
    expect([first.code, second.code]).toEqual([0, 0]);

    const log = await withConnection(db.url, (sql) => sql`SELECT version, count(*)::int AS runs, count(DISTINCT pid)::int AS sessions FROM run_log GROUP BY version ORDER BY version`);
    expect(log).toEqual([1, 2, 3, 4, 5, 6, 7].map((version) => ({ version, runs: 1, sessions: 1 })));
    const tracked = await withConnection(db.url, (sql) => sql`SELECT version::int AS v FROM sqlmig_migrations ORDER BY 1`);
    expect(tracked.map((row) => row.v)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // One run did the work; the other waited for the lock, then found nothing to do.
    const outputs = [first.stdout, second.stdout].sort();
    expect(outputs.filter((out) => out.includes('Applied 7 migrations'))).toHaveLength(1);
    expect(outputs.filter((out) => out.includes('Nothing to do'))).toHaveLength(1);
  });

  it('a run that cannot get the lock in time exits 2 and names the holder', async () => {
    const holder = postgres(db.url, { max: 1, connection: { application_name: 'deploy-bot' } });
    try {
      const key = lockKeySql(trackingTable('public', 'sqlmig_migrations'));
      const [held] = await holder.unsafe(`SELECT pg_advisory_lock(${key}), pg_backend_pid() AS pid`);
      await project.write('0008_more.up.sql', 'CREATE TABLE IF NOT EXISTS t8 (id int);\n');
      const started = Date.now();
      const result = await cli(project, ['--url', db.url, 'up', '--no-lint', '--lock-wait', '1']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('waiting up to 1 s for another run to finish');
      expect(result.stderr).toContain(`another run holds the migration lock of "public"."sqlmig_migrations": pid ${held!.pid}, application "deploy-bot"`);
      expect(result.stderr).toContain(`pg_terminate_backend(${held!.pid})`);
      expect(await withConnection(db.url, (sql) => sql`SELECT to_regclass('t8') AS t`)).toEqual([{ t: null }]);

      const noWait = await cli(project, ['--url', db.url, 'up', '--no-lint', '--lock-wait', '0']);
      expect(noWait.code).toBe(2);
      expect(noWait.stderr).toContain('gave up after 0 s');
    } finally {
      await holder.end();
    }
    // Released: the next run goes through.
    expect((await cli(project, ['--url', db.url, 'up', '--no-lint'])).code).toBe(0);
  });
});

describe('two runs at once, with CREATE INDEX CONCURRENTLY', () => {
  let project: Project;

  beforeAll(async () => {
    project = await createProject();
    // The sleep lets the second run start waiting for the lock before the first reaches the index.
    await project.write('0001_items.up.sql', 'CREATE TABLE IF NOT EXISTS items (id int);\nSELECT pg_sleep(0.3);\n');
    await project.write('0002_items_id.up.sql', '-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS items_id ON items (id);\n');
    await project.write('0003_more.up.sql', 'CREATE TABLE IF NOT EXISTS more (id int);\n');
  });
  afterAll(async () => {
    await project?.cleanup();
  });

  it('10 rounds of two `up` processes: both exit 0 every time, each migration applied once, nothing dirty', async () => {
    // A waiter that held a snapshot while it waited deadlocked with the holder's index build.
    for (let round = 1; round <= 10; round++) {
      const db = await freshDatabase();
      try {
        const args = ['--url', db.url, 'up', '--no-lint'];
        const results = await Promise.all([spawnCli(project, args), spawnCli(project, args)]);
        const context = `round ${round}\n${results.map((r) => `exit ${r.code}\n${r.stdout}${r.stderr}`).join('\n')}`;
        expect(results.map((r) => r.code), context).toEqual([0, 0]);
        const rows = await withConnection(db.url, (sql) => sql`SELECT version::int AS v, dirty FROM sqlmig_migrations ORDER BY 1`);
        expect(rows, context).toEqual([1, 2, 3].map((v) => ({ v, dirty: false })));
        const [index] = await withConnection(db.url, (sql) => sql`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'items_id'::regclass`);
        expect(index, context).toEqual({ valid: true });
      } finally {
        await db.drop();
      }
    }
  }, 120_000);
});

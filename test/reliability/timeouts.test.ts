/**
 * Server-side timeouts: a migration blocked on another session's lock fails
 * after lockTimeout, one that runs too long after statementTimeout; either
 * way it says so and rolls back.
 */
import postgres from 'postgres';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate, type RunEvent } from '../../src/index.js';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { advisoryLocks, expectCleanOutput, freshDatabaseWithPassword } from './helpers.js';

const server = freshDatabaseWithPassword();

async function setup(config: Record<string, unknown>): Promise<{ project: Project; schema: string }> {
  const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
  await withConnection(server.db.url, (sql) => sql.unsafe(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.x (id int)`));
  const project = await createProject({ config: { schema, ...config } });
  onTestFinished(() => project.cleanup());
  return { project, schema };
}

/** Another session holding ACCESS EXCLUSIVE on `table` in an open transaction, until the test ends. */
async function holdTableLock(table: string): Promise<void> {
  const holder = postgres(server.db.url, { max: 1, onnotice: () => {} });
  const reserved = await holder.reserve();
  onTestFinished(async () => {
    await reserved.unsafe('ROLLBACK').catch(() => undefined);
    reserved.release();
    await holder.end();
  });
  await reserved.unsafe(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
}

/**
 * Counts the lock waits on `table` from a second connection: each request
 * that queues shows in pg_locks, not granted, with its own waitstart.
 */
function watchLockWaits(table: string): { stop(): Promise<number> } {
  const watcher = postgres(server.db.url, { max: 1, onnotice: () => {} });
  const seen = new Set<string>();
  let running = true;
  const polling = (async () => {
    while (running) {
      const rows = await watcher.unsafe(`SELECT pid, waitstart::text AS w FROM pg_locks WHERE NOT granted AND relation = '${table}'::regclass`);
      for (const row of rows) seen.add(`${row.pid as number} ${row.w as string}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await polling;
      await watcher.end();
      return seen.size;
    },
  };
}

async function tracked(schema: string): Promise<Array<{ v: number; dirty: boolean }>> {
  return (await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT version::int AS v, dirty FROM ${schema}.sqlmig_migrations ORDER BY 1`))) as unknown as Array<{
    v: number;
    dirty: boolean;
  }>;
}

async function exists(name: string): Promise<boolean> {
  const [row] = await withConnection(server.db.url, (sql) => sql`SELECT to_regclass(${name}) IS NOT NULL AS found`);
  return row!.found as boolean;
}

describe('a migration blocked on a lock another session holds', () => {
  it('with lockRetries, is rolled back and run again after a pause; it succeeds once the lock is free', async () => {
    const { project, schema } = await setup({ lockTimeout: '200ms', lockRetries: 2 });
    await project.write('0001_alter.up.sql', `CREATE TABLE ${schema}.y (id int);\nALTER TABLE ${schema}.x ADD COLUMN b int;\n`);
    const holder = postgres(server.db.url, { max: 1, onnotice: () => {} });
    const reserved = await holder.reserve();
    onTestFinished(() => holder.end());
    await reserved.unsafe(`BEGIN; LOCK TABLE ${schema}.x IN ACCESS EXCLUSIVE MODE`);

    const events: RunEvent[] = [];
    const result = await migrate({
      cwd: project.dir,
      url: server.url,
      env: {},
      lintGate: false,
      onEvent: (event) => {
        events.push(event);
        // The first attempt failed and was rolled back: let the other session finish during the pause.
        if (event.type === 'lock-retry') void reserved.unsafe('ROLLBACK').then(() => reserved.release());
      },
    });
    expect(events.filter((event) => event.type === 'lock-retry')).toEqual([
      expect.objectContaining({ type: 'lock-retry', attempt: 1, retries: 2, pauseMs: 1000 }),
    ]);
    expect(result.steps.map((step) => step.version)).toEqual([1]);
    expect(await exists(`${schema}.y`)).toBe(true);
    expect(await tracked(schema)).toEqual([{ v: 1, dirty: false }]);
  });

  it('with lockRetries, Ctrl-C during the pause ends the run: the file is not tried again', async () => {
    const { project, schema } = await setup({ lockTimeout: '200ms', lockRetries: 2 });
    await project.write('0001_alter.up.sql', `CREATE TABLE ${schema}.y (id int);\nALTER TABLE ${schema}.x ADD COLUMN b int;\n`);
    const holder = postgres(server.db.url, { max: 1, onnotice: () => {} });
    const reserved = await holder.reserve();
    onTestFinished(() => holder.end());
    await reserved.unsafe(`BEGIN; LOCK TABLE ${schema}.x IN ACCESS EXCLUSIVE MODE`);

    const controller = new AbortController();
    const run = migrate({
      cwd: project.dir,
      url: server.url,
      env: {},
      lintGate: false,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type !== 'lock-retry') return;
        // The lock is free again, so a retry would succeed: only the interruption keeps the file from running.
        void reserved.unsafe('ROLLBACK').then(() => reserved.release());
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'INTERRUPTED', message: expect.stringContaining('0001_alter.up.sql and the migrations after it were not run') });
    expect(await exists(`${schema}.y`)).toBe(false);
    expect(await tracked(schema)).toEqual([]);
  });

  it('fails after lockTimeout, names the blocked statement, says why, and rolls back', async () => {
    const { project, schema } = await setup({ lockTimeout: '500ms', lockRetries: 0 });
    await project.write('0001_alter.up.sql', `CREATE TABLE ${schema}.y (id int);\nALTER TABLE ${schema}.x ADD COLUMN b int;\n`);
    await holdTableLock(`${schema}.x`);

    const waits = watchLockWaits(`${schema}.x`);
    const result = await cli(project, ['--url', server.url, 'up', '--no-lint']);
    // One lock request, one timeout: the statement is named from the locks the other session holds, not by asking again.
    expect(await waits.stop()).toBe(1);
    expectCleanOutput(result, { codes: [1] });
    expect(result.stderr).toContain('error: sql/0001_alter.up.sql:2:1: canceling statement due to lock timeout (SQLSTATE 55P03)');
    expect(result.stderr).toMatch(/> 2 \| ALTER TABLE \S+ ADD COLUMN b int;/);
    expect(result.stderr).toContain('0001_alter.up.sql was rolled back');
    expect(result.stderr).toContain('another session holds a lock this migration needs, and lock_timeout ("lockTimeout" in .migraterc.json) expired');
    expect(result.stderr).not.toContain('fix the file');

    expect(await exists(`${schema}.y`)).toBe(false);
    expect(await tracked(schema)).toEqual([]);
    expect(await advisoryLocks(server.db.url)).toBe(0);
  });

  it('in a no-transaction file: fails after lockTimeout at the statement, leaves the row dirty with both hints', async () => {
    const { project, schema } = await setup({ lockTimeout: '300ms' });
    await project.write('0001_index.up.sql', `-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY x_id ON ${schema}.x (id);\n`);
    await holdTableLock(`${schema}.x`);

    const result = await cli(project, ['--url', server.url, 'up', '--no-lint']);
    expectCleanOutput(result, { codes: [1] });
    expect(result.stderr).toContain('error: sql/0001_index.up.sql:2:1: canceling statement due to lock timeout (SQLSTATE 55P03)');
    expect(result.stderr).toContain('lock_timeout ("lockTimeout" in .migraterc.json) expired');
    expect(result.stderr).toContain('sqlmig resolve 1 --rolled-back');
    expect(await tracked(schema)).toEqual([{ v: 1, dirty: true }]);
  });
});

describe('a migration that runs too long', () => {
  it('fails after statementTimeout, says so, and rolls back', async () => {
    const { project, schema } = await setup({ statementTimeout: '300ms' });
    await project.write('0001_slow.up.sql', `CREATE TABLE ${schema}.y (id int);\nSELECT pg_sleep(3);\n`);

    const result = await cli(project, ['--url', server.url, 'up', '--no-lint']);
    expectCleanOutput(result, { codes: [1] });
    expect(result.stderr).toContain('error: sql/0001_slow.up.sql: canceling statement due to statement timeout (SQLSTATE 57014)');
    expect(result.stderr).toContain('0001_slow.up.sql was rolled back');
    expect(result.stderr).toContain('the statement ran longer than statement_timeout ("statementTimeout" in .migraterc.json)');

    expect(await exists(`${schema}.y`)).toBe(false);
    expect(await tracked(schema)).toEqual([]);

    // Each statement gets the timeout on its own, not the file as a whole.
    await project.write('0001_slow.up.sql', `CREATE TABLE ${schema}.y (id int);\nSELECT pg_sleep(0.2);\nSELECT pg_sleep(0.2);\n`);
    expectCleanOutput(await cli(project, ['--url', server.url, 'up', '--no-lint']), { codes: [0] });
    expect(await tracked(schema)).toEqual([{ v: 1, dirty: false }]);
  });
});

/**
 * A runner that dies or is stopped mid-migration: kill -9, its session
 * terminated on the server, Ctrl-C / SIGTERM. Afterwards nothing of the
 * migration is left, no tracking row, no lock, and the next run completes.
 */
import postgres from 'postgres';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate } from '../../src/index.js';
import { lockKeySql } from '../../src/runner/lock.js';
import { trackingTable } from '../../src/runner/tracking.js';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, startCli, type Project } from '../fixtures/runner/project.js';
import { advisoryLocks, expectCleanOutput, freshDatabaseWithPassword, waitForLockWaiter, waitForNoLock, waitForRunning } from './helpers.js';

const server = freshDatabaseWithPassword();

/** The marker the tests wait for: the slow migration is running on the server. */
const SLOW = 'pg_sleep(30)';

/** A project in its own schema: 0001 fast, 0002 slow (unless `slow` is false), 0003 fast. */
async function setup(options: { noTransaction?: boolean } = {}): Promise<{ project: Project; schema: string; slowFile: string }> {
  const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
  const project = await createProject({ config: { schema, lockWait: 60 } });
  onTestFinished(() => project.cleanup());
  await project.write('0001_first.up.sql', `CREATE TABLE ${schema}.first (id int);\n`);
  const slowFile = '0002_slow.up.sql';
  await project.write(
    slowFile,
    options.noTransaction
      ? `-- sqlmig:no-transaction\nCREATE TABLE ${schema}.slow (id int);\nSELECT ${SLOW};\nCREATE TABLE ${schema}.after_sleep (id int);\n`
      : `CREATE TABLE ${schema}.slow (id int);\nINSERT INTO ${schema}.slow VALUES (1);\nSELECT ${SLOW};\n`,
  );
  await project.write('0003_third.up.sql', `CREATE TABLE ${schema}.third (id int);\n`);
  return { project, schema, slowFile };
}

async function trackedRows(schema: string): Promise<Array<{ version: number; dirty: boolean }>> {
  return withConnection(server.url, (sql) => sql.unsafe(`SELECT version::int, dirty FROM "${schema}".sqlmig_migrations ORDER BY version`)) as Promise<
    Array<{ version: number; dirty: boolean }>
  >;
}

async function tables(schema: string): Promise<string[]> {
  const rows = await withConnection(server.url, (sql) => sql`SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY 1`);
  return rows.map((row) => row.name as string);
}

/** The slow migration made fast again (it is not applied, so editing it is fine): the next `up` must complete. */
async function expectNextUpCompletes(project: Project, schema: string, slowFile: string): Promise<void> {
  await project.write(slowFile, `CREATE TABLE ${schema}.slow (id int);\n`);
  const next = await cli(project, ['--url', server.url, 'up', '--no-lint']);
  expectCleanOutput(next, { codes: [0] });
  expect(await trackedRows(schema)).toEqual([1, 2, 3].map((version) => ({ version, dirty: false })));
  expect(await advisoryLocks(server.url)).toBe(0);
}

describe('a runner that dies in the middle of a slow migration', () => {
  it('kill -9: the server rolls the migration back and releases the lock by itself', async () => {
    const { project, schema, slowFile } = await setup();
    const { child, result } = startCli(project, ['--url', server.url, 'up', '--no-lint']);
    await waitForRunning(server.db.url, SLOW);
    child.kill('SIGKILL');
    const killed = await result;
    expect(killed.code).toBe(137);
    expectCleanOutput(killed, { codes: [137] });

    // client_connection_check_interval: the server notices the dead client instead of finishing the message.
    await waitForNoLock(server.db.url);
    expect(await trackedRows(schema)).toEqual([{ version: 1, dirty: false }]);
    expect(await tables(schema)).toEqual(['first', 'sqlmig_migrations']);
    await expectNextUpCompletes(project, schema, slowFile);
  });

  it('pg_terminate_backend of its session: exit 2 naming the file, nothing applied', async () => {
    const { project, schema, slowFile } = await setup();
    const { result } = startCli(project, ['--url', server.url, 'up', '--no-lint']);
    await waitForRunning(server.db.url, SLOW);
    await withConnection(server.db.url, (sql) => sql`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sqlmig'`);
    const ended = await result;
    expectCleanOutput(ended, { codes: [2] });
    expect(ended.stdout).toMatch(/failed\s+0002_slow/);
    expect(ended.stderr).toMatch(/^error: sql\/0002_slow\.up\.sql: lost the connection to postgres:\/\/postgres:\*\*\*@.*: the server closed the session \(terminated by an administrator/m);
    expect(ended.stderr).toContain('run `sqlmig status` to see which');

    await waitForNoLock(server.db.url);
    expect(await trackedRows(schema)).toEqual([{ version: 1, dirty: false }]);
    expect(await tables(schema)).toEqual(['first', 'sqlmig_migrations']);
    await expectNextUpCompletes(project, schema, slowFile);
  });
});

describe('a runner that is told to stop', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: cancels the statement, rolls back, releases the lock, exits %i with a message', async (signal, code) => {
    const { project, schema, slowFile } = await setup();
    const { child, result } = startCli(project, ['--url', server.url, 'up', '--no-lint']);
    await waitForRunning(server.db.url, SLOW);
    child.kill(signal);
    // The cancel message below shows the statement was cancelled rather than waited for (durations are for npm run bench).
    const stopped = await result;
    expectCleanOutput(stopped, { codes: [code] });
    expect(stopped.stdout).toMatch(/applied\s+0001_first/);
    expect(stopped.stdout).toMatch(/failed\s+0002_slow/);
    expect(stopped.stderr).toContain(`${signal} received: stopping`);
    expect(stopped.stderr).toContain('error: sql/0002_slow.up.sql: canceling statement due to user request (SQLSTATE 57014)');
    expect(stopped.stderr).toContain('0002_slow.up.sql was rolled back: none of it was applied, and no later migration ran');

    // The session was closed before the process exited; the backend may take a moment to let go of the lock.
    await waitForNoLock(server.db.url);
    expect(await trackedRows(schema)).toEqual([{ version: 1, dirty: false }]);
    expect(await tables(schema)).toEqual(['first', 'sqlmig_migrations']);
    await expectNextUpCompletes(project, schema, slowFile);
  });

  it('a second Ctrl-C exits at once; the server still rolls back and releases the lock', async () => {
    const { project, schema, slowFile } = await setup();
    const { child, result } = startCli(project, ['--url', server.url, 'up', '--no-lint']);
    await waitForRunning(server.db.url, SLOW);
    child.kill('SIGINT');
    child.kill('SIGINT');
    const stopped = await result;
    expectCleanOutput(stopped, { codes: [130] });
    await waitForNoLock(server.db.url);
    expect(await trackedRows(schema)).toEqual([{ version: 1, dirty: false }]);
    await expectNextUpCompletes(project, schema, slowFile);
  });

  it('the library: migrate({ signal }) aborted mid-migration rolls it back and rejects once the lock is released', async () => {
    const { project, schema } = await setup();
    const controller = new AbortController();
    const events: string[] = [];
    const running = migrate({
      cwd: project.dir,
      url: server.url,
      env: {},
      lintGate: false,
      signal: controller.signal,
      onEvent: (event) => events.push(event.type === 'started' || event.type === 'failed' ? `${event.type} ${event.step.version}` : event.type),
    });
    await waitForRunning(server.db.url, SLOW);
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'INTERRUPTED', message: expect.stringContaining('0002_slow.up.sql was rolled back') });
    expect(events.filter((event) => /^(started|failed)/.test(event))).toEqual(['started 1', 'started 2', 'failed 2']);
    await waitForNoLock(server.db.url);
    expect(await trackedRows(schema)).toEqual([{ version: 1, dirty: false }]);
  });

  it('the library: aborted between two statements of a no-transaction file, the rest is not run and the row stays dirty', async () => {
    const { project, schema } = await setup();
    await project.write(
      '0002_slow.up.sql',
      `-- sqlmig:no-transaction\nCREATE TABLE ${schema}.before_abort (id int);\nDO $$ BEGIN RAISE NOTICE 'abort now'; END $$;\nCREATE TABLE ${schema}.after_abort (id int);\n`,
    );
    const controller = new AbortController();
    const running = migrate({
      cwd: project.dir,
      url: server.url,
      env: {},
      lintGate: false,
      signal: controller.signal,
      // The notice arrives while the DO block runs: the abort lands between it and the next statement.
      onEvent: (event) => {
        if (event.type === 'notice' && event.notice.message === 'abort now') controller.abort();
      },
    });
    await expect(running).rejects.toMatchObject({
      code: 'MIGRATION_DIRTY',
      location: { line: 4, column: 1 },
      message: expect.stringContaining('interrupted before this statement'),
    });
    expect(await tables(schema)).toEqual(['before_abort', 'first', 'sqlmig_migrations']);
    expect(await trackedRows(schema)).toEqual([
      { version: 1, dirty: false },
      { version: 2, dirty: true },
    ]);
  });

  it('Ctrl-C while waiting for the lock: exit 130 at once, nothing run', async () => {
    const { project, schema } = await setup();
    const holder = postgres(server.db.url, { max: 1, onnotice: () => {} });
    onTestFinished(() => holder.end());
    await holder.unsafe(`SELECT pg_advisory_lock(${lockKeySql(trackingTable(schema, 'sqlmig_migrations'))})`);
    const { child, result } = startCli(project, ['--url', server.url, 'up', '--no-lint']);
    await waitForLockWaiter(server.db.url);
    child.kill('SIGINT');
    const stopped = await result;
    expectCleanOutput(stopped, { codes: [130] });
    expect(stopped.stderr).toContain('waiting up to 60 s for another run to finish');
    expect(stopped.stderr).toContain('error: interrupted before any migration ran');
    // The tracking table is created only once the lock is held.
    expect(await tables(schema)).toEqual([]);
  });

  it('Ctrl-C before any session is open (waiting for the server) exits 130 at once', async () => {
    const { project } = await setup();
    const closed = new URL(server.url);
    closed.port = '1';
    const { child, result } = startCli(project, ['--url', closed.toString(), 'up', '--wait', '30']);
    // startCli pipes stderr; the line naming the config and database comes first, then the wait.
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('waiting for the database')) resolve();
      });
    });
    child.kill('SIGINT');
    // Exit 130 rather than 2 shows it stopped instead of waiting out --wait 30.
    const stopped = await result;
    expect(stopped.stderr).toContain('waiting for the database: connection refused');
    expectCleanOutput(stopped, { codes: [130] });
  });
});

describe('a no-transaction migration killed half way', () => {
  it('leaves its row dirty; up refuses naming the file until resolve', async () => {
    const { project, schema, slowFile } = await setup({ noTransaction: true });
    const { child, result } = startCli(project, ['--url', server.url, 'up', '--no-lint']);
    await waitForRunning(server.db.url, SLOW);
    child.kill('SIGKILL');
    expectCleanOutput(await result, { codes: [137] });
    await waitForNoLock(server.db.url);

    // Its first statement stays (no transaction), the one after the sleep never ran, the row is dirty.
    expect(await tables(schema)).toEqual(['first', 'slow', 'sqlmig_migrations']);
    expect(await trackedRows(schema)).toEqual([
      { version: 1, dirty: false },
      { version: 2, dirty: true },
    ]);

    const refused = await cli(project, ['--url', server.url, 'up', '--no-lint']);
    expectCleanOutput(refused, { codes: [1] });
    expect(refused.stderr).toContain(`sql/${slowFile}`);
    expect(refused.stderr).toContain('version 2 (slow) is dirty');
    expect(refused.stderr).toContain('sqlmig resolve 2');
    expect(await tables(schema)).not.toContain('third');

    // Undo by hand, record it, make the file fast: up goes on.
    await withConnection(server.db.url, (sql) => sql.unsafe(`DROP TABLE ${schema}.slow`));
    expectCleanOutput(await cli(project, ['--url', server.url, 'resolve', '2', '--rolled-back']), { codes: [0] });
    await expectNextUpCompletes(project, schema, slowFile);
  });
});

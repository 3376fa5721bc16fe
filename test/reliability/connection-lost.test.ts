/**
 * The connection goes while a run is under way: a no-transaction file half
 * applied says which statements returned, that its version is dirty and what
 * `resolve` does, and `status` shows how far it got; a run that was only
 * waiting for the lock says nothing of its own ran.
 */
import postgres from 'postgres';
import { describe, expect, it, onTestFinished } from 'vitest';
import { lockKeySql } from '../../src/runner/lock.js';
import { trackingTable } from '../../src/runner/tracking.js';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { expectCleanOutput, freshDatabaseWithPassword, waitForLockWaiter, waitForRunning } from './helpers.js';

const server = freshDatabaseWithPassword();

async function setup(): Promise<{ project: Project; schema: string }> {
  const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
  const project = await createProject({ config: { schema, lockWait: 60 } });
  onTestFinished(() => project.cleanup());
  return { project, schema };
}

/** Ends the sqlmig session running `text` from the server side (as an administrator or a restart would). */
async function terminate(text: string): Promise<void> {
  await withConnection(server.db.url, (sql) => sql`
    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'sqlmig' AND position(${text} IN query) > 0`);
}

describe('the connection lost', () => {
  it('mid no-transaction file: names the statements that returned, the dirty version and resolve; status shows how far it got', async () => {
    const { project, schema } = await setup();
    await project.write(
      '0001_slow.up.sql',
      `-- sqlmig:no-transaction\nCREATE TABLE ${schema}.a (id int);\nSELECT pg_sleep(30);\nCREATE TABLE ${schema}.b (id int);\n`,
    );
    const running = cli(project, ['--url', server.url, 'up', '--no-lint']);
    await waitForRunning(server.db.url, 'pg_sleep(30)');
    await terminate('pg_sleep(30)');
    const result = await running;
    expectCleanOutput(result, { codes: [2] });
    expect(result.stderr).toContain('error: sql/0001_slow.up.sql:3: lost the connection');
    expect(result.stderr).toContain('statements 1–1 of 3 returned, the last at 0001_slow.up.sql:2; the one at 0001_slow.up.sql:3 was running');
    expect(result.stderr).toContain('version 1 stays dirty');
    expect(result.stderr).toContain('`sqlmig resolve 1 --applied` (the file took effect');
    expect(result.stderr).toContain('`sqlmig resolve 1 --rolled-back`');
    expect(result.stderr).not.toContain('either committed');

    const rows = await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT version::int AS v, dirty FROM ${schema}.sqlmig_migrations`));
    expect(rows).toEqual([{ v: 1, dirty: true }]);
    const status = await cli(project, ['--url', server.url, 'status']);
    expectCleanOutput(status, { codes: [0] });
    expect(status.stdout).toContain('0001 is dirty: statements 1–1 of 3 returned, the last at sql/0001_slow.up.sql:2; the one at sql/0001_slow.up.sql:3 was running');
    const json = JSON.parse((await cli(project, ['--url', server.url, '--format', 'json', 'status'])).stdout) as { migrations: Array<{ progress?: unknown }> };
    expect(json.migrations[0]!.progress).toEqual({ completed: 1, total: 3, lastLine: 2, runningLine: 3 });

    // Resolved: the note goes with the next clean run of the file.
    expectCleanOutput(await cli(project, ['--url', server.url, 'resolve', '1', '--rolled-back']), { codes: [0] });
    await project.write('0001_slow.up.sql', `-- sqlmig:no-transaction\nCREATE TABLE IF NOT EXISTS ${schema}.a (id int);\nCREATE TABLE ${schema}.b (id int);\n`);
    expectCleanOutput(await cli(project, ['--url', server.url, 'up', '--no-lint']), { codes: [0] });
    expect((await cli(project, ['--url', server.url, 'status'])).stdout).not.toContain('is dirty');
  });

  it('while only waiting for the lock: says it was waiting and nothing of its own ran', async () => {
    const { project, schema } = await setup();
    await project.write('0001_first.up.sql', `CREATE TABLE ${schema}.first (id int);\n`);
    const holder = postgres(server.db.url, { max: 1, onnotice: () => {} });
    onTestFinished(() => holder.end());
    await holder.unsafe(`SELECT pg_advisory_lock(${lockKeySql(trackingTable(schema, 'sqlmig_migrations'))})`);
    const running = cli(project, ['--url', server.url, 'up', '--no-lint']);
    // The runner polls pg_try_advisory_lock between pauses; its session's last query names it.
    await waitForLockWaiter(server.db.url);
    // Between two tries the session's last query may be another (it looks up the holder once):
    // end it whenever it shows the try again, until the run has ended.
    let ended = false;
    void running.finally(() => (ended = true));
    while (!ended) {
      await terminate('pg_try_advisory_lock');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const result = await running;
    expectCleanOutput(result, { codes: [2] });
    expect(result.stderr).toContain('lost the connection');
    expect(result.stderr).toContain("this run was waiting for another run's migration lock: nothing of its own ran");
    expect(result.stderr).not.toContain('a migration that was running');
  });
});

/**
 * A run that finds another run holding the migration lock waits at most
 * lockWait seconds (config, or --lock-wait), then gives up with exit 2
 * naming the holder. (test/integration/runner-concurrency.test.ts covers
 * --lock-wait against a plain session holding the lock.)
 */
import postgres from 'postgres';
import { describe, expect, it, onTestFinished } from 'vitest';
import { lockKeySql } from '../../src/runner/lock.js';
import { trackingTable } from '../../src/runner/tracking.js';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, startCli } from '../fixtures/runner/project.js';
import { advisoryLocks, expectCleanOutput, freshDatabaseWithPassword, waitForLockWaiter, waitForRunning } from './helpers.js';

const server = freshDatabaseWithPassword();

describe('waiting for another run', () => {
  it.each([
    { lockWait: 1, flag: [] as string[], waited: 1 },
    { lockWait: 60, flag: ['--lock-wait', '0.5'], waited: 0.5 },
  ])('lockWait $lockWait, $flag: gives up after $waited s with exit 2, naming the sqlmig run that holds the lock', async ({ lockWait, flag, waited }) => {
    const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
    const project = await createProject({ config: { schema, lockWait } });
    onTestFinished(() => project.cleanup());
    await project.write('0001_slow.up.sql', `CREATE TABLE ${schema}.slow (id int);\nSELECT pg_sleep(3);\n`);

    const first = startCli(project, ['--url', server.url, 'up', '--no-lint']);
    await waitForRunning(server.db.url, 'pg_sleep(3)');
    const [holder] = await withConnection(server.db.url, (sql) => sql`
      SELECT pid, host(client_addr) AS host FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'sqlmig' AND position('pg_sleep' IN query) > 0`);

    const started = Date.now();
    const second = await cli(project, ['--url', server.url, 'up', '--no-lint', ...flag]);
    const elapsed = (Date.now() - started) / 1000;
    // Exit 2 (not 0 after the 3 s holder) shows it gave up; only the lower bound is safe on a busy machine.
    expect(elapsed).toBeGreaterThanOrEqual(waited - 0.1);
    expectCleanOutput(second, { codes: [2] });
    expect(second.stderr).toContain(`waiting up to ${waited} s for another run to finish (pid ${holder!.pid}, application "sqlmig"`);
    expect(second.stderr).toContain(
      `error: another run holds the migration lock of "${schema}"."sqlmig_migrations": pid ${holder!.pid}, application "sqlmig", user postgres, from ${holder!.host}, connected since `,
    );
    expect(second.stderr).toContain(`gave up after ${waited} s`);
    expect(second.stderr).toContain(`pg_terminate_backend(${holder!.pid})`);

    // The holder was not disturbed, and finished its work alone.
    const done = await first.result;
    expectCleanOutput(done, { codes: [0] });
    expect(done.stdout).toContain('Applied 1 migration');
    expect(await advisoryLocks(server.db.url)).toBe(0);
    expect(await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT version::int AS v FROM ${schema}.sqlmig_migrations`))).toEqual([{ v: 1 }]);
  });

  it('--lock-wait longer than lock_timeout can hold (about 24 days): waits, then runs when the holder lets go', async () => {
    const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
    const project = await createProject({ config: { schema } });
    onTestFinished(() => project.cleanup());
    await project.write('0001_one.up.sql', `CREATE TABLE ${schema}.one (id int);\n`);
    const holder = postgres(server.db.url, { max: 1, onnotice: () => {} });
    onTestFinished(() => holder.end());
    const key = lockKeySql(trackingTable(schema, 'sqlmig_migrations'));
    await holder.unsafe(`SELECT pg_advisory_lock(${key})`);

    const waiting = cli(project, ['--url', server.url, 'up', '--no-lint', '--lock-wait', '3000000']);
    await waitForLockWaiter(server.db.url);
    await holder.unsafe(`SELECT pg_advisory_unlock(${key})`);
    const result = await waiting;
    expectCleanOutput(result, { codes: [0] });
    expect(result.stderr).toContain('waiting up to 3000000 s for another run to finish');
    expect(result.stdout).toContain('Applied 1 migration');
  });
});

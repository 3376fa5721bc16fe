/**
 * Messages that used to send the user the wrong way: a lost tracking row
 * treated as a new out-of-order file, a read-only database blamed on
 * privileges, and `--lock-wait 0` announcing a wait of 0 s.
 */
import postgres from 'postgres';
import { describe, expect, it, onTestFinished } from 'vitest';
import { lockKeySql } from '../../src/runner/lock.js';
import { trackingTable } from '../../src/runner/tracking.js';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { expectCleanOutput, freshDatabaseWithPassword } from './helpers.js';

const server = freshDatabaseWithPassword();

async function setup(fixture?: string): Promise<{ project: Project; schema: string }> {
  const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
  const project = await createProject({ fixture, config: { schema } });
  onTestFinished(() => project.cleanup());
  return { project, schema };
}

const versions = async (schema: string) =>
  (await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT version::int AS v FROM ${schema}.sqlmig_migrations ORDER BY 1`))).map((row) => row.v as number);

describe('messages that point the right way', () => {
  it('a tracking row deleted by hand: "looks like a lost tracking row", stamp it; not "rename to a later version"', async () => {
    const { project, schema } = await setup('shop');
    expectCleanOutput(await cli(project, ['--url', server.url, 'up']), { codes: [0] });
    await withConnection(server.db.url, (sql) => sql.unsafe(`DELETE FROM ${schema}.sqlmig_migrations WHERE version = 2`));

    const up = await cli(project, ['--url', server.url, 'up']);
    expectCleanOutput(up, { codes: [1] });
    expect(up.stderr).toContain('pending version 2 is older than the newest applied version 3 (add_status_to_orders): this looks like a lost tracking row');
    expect(up.stderr).toContain('record it without running it: `sqlmig stamp 2`');
    expect(up.stderr).not.toContain('rename the pair');
    expect(await versions(schema)).toEqual([1, 3]);

    expectCleanOutput(await cli(project, ['--url', server.url, 'stamp', '2']), { codes: [0] });
    expect(await versions(schema)).toEqual([1, 2, 3]);
    expectCleanOutput(await cli(project, ['--url', server.url, 'up']), { codes: [0] });
  });

  it('a read-only database (default_transaction_read_only): the hint says read-only, not privileges', async () => {
    const { project, schema } = await setup();
    await project.write('0001_first.up.sql', `CREATE TABLE ${schema}.first (id int);\n`);
    expectCleanOutput(await cli(project, ['--url', server.url, 'up', '--no-lint']), { codes: [0] });
    await project.write('0002_second.up.sql', `CREATE TABLE ${schema}.second (id int);\n`);
    const other = await setup();
    await other.project.write('0001_first.up.sql', `CREATE TABLE ${other.schema}.first (id int);\n`);

    await withConnection(server.db.url, (sql) => sql.unsafe(`ALTER DATABASE ${server.db.name} SET default_transaction_read_only = on`));
    onTestFinished(async () => {
      await withConnection(server.db.url, (sql) => sql.unsafe(`BEGIN READ WRITE; ALTER DATABASE ${server.db.name} RESET default_transaction_read_only; COMMIT`));
    });
    // A migration refused by the read-only database.
    const up = await cli(project, ['--url', server.url, 'up', '--no-lint']);
    expectCleanOutput(up, { codes: [1] });
    expect(up.stderr).toContain('(SQLSTATE 25006)');
    expect(up.stderr).toContain('the database is read-only');
    expect(up.stderr).not.toContain('fix the file');
    // The tracking table cannot be created either.
    const first = await cli(other.project, ['--url', server.url, 'up', '--no-lint']);
    expectCleanOutput(first, { codes: [1] });
    expect(first.stderr).toContain('the database is read-only');
    expect(first.stderr).not.toContain('privileges');
  });

  it('--lock-wait 0: gives up at once naming the holder, without "waiting up to 0 s"', async () => {
    const { project, schema } = await setup();
    await project.write('0001_first.up.sql', `CREATE TABLE ${schema}.first (id int);\n`);
    const holder = postgres(server.db.url, { max: 1, onnotice: () => {} });
    onTestFinished(() => holder.end());
    await holder.unsafe(`SELECT pg_advisory_lock(${lockKeySql(trackingTable(schema, 'sqlmig_migrations'))})`);
    const up = await cli(project, ['--url', server.url, 'up', '--no-lint', '--lock-wait', '0']);
    expectCleanOutput(up, { codes: [2] });
    expect(up.stderr).toContain('another run holds the migration lock');
    expect(up.stderr).not.toContain('waiting up to');
  });
});

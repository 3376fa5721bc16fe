import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { fakeIO } from '../helpers/io.js';

let database: FreshDatabase;
const work = mkdtempSync(join(tmpdir(), 'sqlmig-in-place-'));

beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database.drop();
  rmSync(work, { recursive: true, force: true });
});

function folder(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

async function sqlmig(args: string[]) {
  const io = fakeIO({ cwd: work });
  const code = await run([...args, '--url', database.url], io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

const rows = (table: string) =>
  withConnection(database.url, (sql) => sql.unsafe<Array<{ version: string; name: string; dirty: boolean }>>(`SELECT version::text, name, dirty FROM ${table} ORDER BY version`));
const indexExists = (name: string) =>
  withConnection(database.url, async (sql) => (await sql`SELECT 1 FROM pg_indexes WHERE indexname = ${name}`).length === 1);

describe('up and down in place', () => {
  it('goose: sections run as up and down, NO TRANSACTION runs CONCURRENTLY outside a transaction, versions are goose versions', async () => {
    const dir = folder('goose', {
      '20240101000000_users.sql': '-- +goose Up\nCREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n\n-- +goose Down\nDROP TABLE IF EXISTS users;\n',
      '20240201000000_users_index.sql':
        '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_id_idx ON users (id);\n\n-- +goose Down\n-- +goose NO TRANSACTION\nDROP INDEX CONCURRENTLY IF EXISTS users_id_idx;\n',
    });
    const up = await sqlmig(['up', '--dir', dir]);
    expect(up.code, up.stderr).toBe(0);
    expect(await rows('sqlmig_migrations')).toEqual([
      { version: '20240101000000', name: 'users', dirty: false },
      { version: '20240201000000', name: 'users_index', dirty: false },
    ]);
    expect(await indexExists('users_id_idx')).toBe(true);
    const status = await sqlmig(['status', '--dir', dir, '--format', 'json']);
    expect(status.code).toBe(0);
    expect(status.stdout).not.toContain('"pending"');

    const down = await sqlmig(['down', '--dir', dir, '--yes']);
    expect(down.code, down.stderr).toBe(0);
    expect(await indexExists('users_id_idx')).toBe(false);
    expect((await rows('sqlmig_migrations')).map((row) => row.version)).toEqual(['20240101000000']);
    // Down to nothing, so the next test starts from an empty database.
    expect((await sqlmig(['down', '--dir', dir, '--to', '0', '--yes'])).code).toBe(0);
  });

  it('a failing statement is shown at the tool file and line, a goose down section at its line in the file', async () => {
    const dir = folder('goose-failing', {
      '1_a.sql': '-- +goose Up\nCREATE TABLE IF NOT EXISTS a (id int);\n-- +goose Down\nSELECT 1;\n\nSELECT * FROM no_such_table;\n',
    });
    expect((await sqlmig(['up', '--dir', dir, '--no-lint'])).code).toBe(0);
    const down = await sqlmig(['down', '--dir', dir, '--yes']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('goose-failing/1_a.sql:6:15: relation "no_such_table" does not exist');
    const tables = await withConnection(database.url, (sql) => sql`SELECT 1 FROM pg_tables WHERE tablename = 'a'`);
    expect(tables.length).toBe(1);
    await withConnection(database.url, (sql) => sql.unsafe('DROP TABLE a; DELETE FROM sqlmig_migrations'));
  });

  it('diesel: dashed versions kept without dashes, run_in_transaction = false honoured, the lint gate names the tool file', async () => {
    const dir = folder('diesel', {
      '2019-02-26-002946_create_posts/up.sql': 'CREATE TABLE IF NOT EXISTS posts (id bigint PRIMARY KEY);\n',
      '2019-02-26-002946_create_posts/down.sql': 'DROP TABLE IF EXISTS posts;\n',
      '2019-03-01-000000_posts_index/up.sql': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_id_idx ON posts (id);\n',
      '2019-03-01-000000_posts_index/down.sql': 'DROP INDEX CONCURRENTLY IF EXISTS posts_id_idx;\n',
      '2019-03-01-000000_posts_index/metadata.toml': 'run_in_transaction = false\n',
    });
    const up = await sqlmig(['up', '--dir', dir]);
    expect(up.code, up.stderr).toBe(0);
    expect((await rows('sqlmig_migrations')).map((row) => row.version)).toEqual(['20190226002946', '20190301000000']);
    expect(await indexExists('posts_id_idx')).toBe(true);

    folder('diesel', { '2019-04-01-000000_more/up.sql': 'CREATE TABLE more (id bigint PRIMARY KEY);\n' });
    const gated = await sqlmig(['up', '--dir', dir]);
    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain('diesel/2019-04-01-000000_more/up.sql:1:14: CREATE TABLE more fails when it already exists [require-if-not-exists]');
  });

  it('new and hash refuse another tool folder (exit 2)', async () => {
    const dir = folder('goose-new', { '1_a.sql': '-- +goose Up\nSELECT 1;\n' });
    const created = await sqlmig(['new', 'x', '--dir', dir]);
    expect(created.code).toBe(2);
    expect(created.stderr).toContain('is a goose folder');
  });
});

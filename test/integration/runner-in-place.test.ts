import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { fakeIO } from '../helpers/io.js';

let database: FreshDatabase;
const work = mkdtempSync(join(tmpdir(), 'sqlmig-in-place-'));
/** sqlmig's user cache for this file: the working copies and, without a config file, the state of in-place runs. */
const userCache = join(work, 'user-cache');
const savedCacheHome = process.env.XDG_CACHE_HOME;

beforeAll(async () => {
  process.env.XDG_CACHE_HOME = userCache;
  database = await freshDatabase();
});
afterAll(async () => {
  if (savedCacheHome === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCacheHome;
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

async function sqlmig(args: string[], cwd = work) {
  const io = fakeIO({ cwd });
  const code = await run([...args, '--url', database.url], io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

const rows = (table: string) =>
  withConnection(database.url, (sql) => sql.unsafe<Array<{ version: string; name: string; dirty: boolean }>>(`SELECT version::text, name, dirty FROM ${table} ORDER BY version`));
/** Forgets what earlier tests applied (their tables stay, under other names). */
const forgetApplied = () => withConnection(database.url, (sql) => sql.unsafe('DELETE FROM sqlmig_migrations'));
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

  it('dbmate, flyway and node-pg-migrate: lint in place reports at the tool file and line, up in place applies with their markers and versions', async () => {
    await forgetApplied();
    interface ToolCase {
      layout: string;
      files: Record<string, string>;
      index: string;
      versions: string[];
      /** A file added afterwards with a require-if-not-exists finding at `line`. */
      finding: { file: string; text: string; line: number };
      also?: Record<string, string>;
    }
    const tools: ToolCase[] = [
      {
        layout: 'dbmate',
        files: {
          '20240101000000_dm_items.sql': '-- migrate:up\nCREATE TABLE IF NOT EXISTS dm_items (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE IF EXISTS dm_items;\n',
          '20240102000000_dm_items_index.sql':
            '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS dm_items_idx ON dm_items (id);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS dm_items_idx;\n',
        },
        index: 'dm_items_idx',
        versions: ['20240101000000', '20240102000000'],
        finding: { file: '20240103000000_dm_more.sql', text: '-- migrate:up\nSELECT 1;\nCREATE TABLE dm_more (id int);\n-- migrate:down\nDROP TABLE dm_more;\n', line: 3 },
      },
      {
        layout: 'flyway',
        files: {
          'V1__fw_items.sql': 'CREATE TABLE IF NOT EXISTS fw_items (id bigint PRIMARY KEY);\n',
          'U1__fw_items.sql': 'DROP TABLE IF EXISTS fw_items;\n',
          'V2__fw_items_index.sql': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS fw_items_idx ON fw_items (id);\n',
          'V2__fw_items_index.sql.conf': 'executeInTransaction=false\n',
          'U2__fw_items_index.sql': '-- flyway:executeInTransaction=false\nDROP INDEX CONCURRENTLY IF EXISTS fw_items_idx;\n',
        },
        index: 'fw_items_idx',
        versions: ['1', '2'],
        finding: { file: 'V3__fw_more.sql', text: 'SELECT 1;\nCREATE TABLE fw_more (id int);\n', line: 2 },
        also: { 'U3__fw_more.sql': 'DROP TABLE fw_more;\n' },
      },
      {
        layout: 'node-pg-migrate',
        files: {
          '1700000000000_npm_items.sql': '-- Up Migration\nCREATE TABLE IF NOT EXISTS npm_items (id bigint PRIMARY KEY);\nCREATE INDEX IF NOT EXISTS npm_items_idx ON npm_items (id);\n-- Down Migration\nDROP TABLE IF EXISTS npm_items;\n',
        },
        index: 'npm_items_idx',
        versions: ['1700000000000'],
        finding: { file: '1700000000001_npm_more.sql', text: '-- Up Migration\nSELECT 1;\n\nCREATE TABLE npm_more (id int);\n-- Down Migration\nDROP TABLE npm_more;\n', line: 4 },
      },
    ];
    for (const tool of tools) {
      const dir = folder(`${tool.layout}-tool`, tool.files);
      const lint = await sqlmig(['lint', '--dir', dir]);
      expect(lint.code, `${tool.layout}: ${lint.stdout}${lint.stderr}`).toBe(0);
      const up = await sqlmig(['up', '--dir', dir]);
      expect(up.code, `${tool.layout}: ${up.stderr}`).toBe(0);
      expect((await rows('sqlmig_migrations')).map((row) => row.version), tool.layout).toEqual(tool.versions);
      expect(await indexExists(tool.index), tool.layout).toBe(true);

      folder(`${tool.layout}-tool`, { [tool.finding.file]: tool.finding.text, ...tool.also });
      const found = await sqlmig(['lint', '--dir', dir, '--format', 'json', '--no-cache']);
      expect(found.code, tool.layout).toBe(1);
      const diagnostics = (JSON.parse(found.stdout) as { diagnostics: Array<{ file: string; line: number; rule: string }> }).diagnostics;
      expect(diagnostics.map((d) => [d.file, d.line, d.rule]), tool.layout).toContainEqual([`${tool.layout}-tool/${tool.finding.file}`, tool.finding.line, 'require-if-not-exists']);
      for (const file of [tool.finding.file, ...Object.keys(tool.also ?? {})]) rmSync(join(dir, file));
      expect((await sqlmig(['down', '--dir', dir, '--to', '0', '--yes'])).code, tool.layout).toBe(0);
      expect(await indexExists(tool.index), tool.layout).toBe(false);
      await withConnection(database.url, (sql) => sql.unsafe(`DELETE FROM sqlmig_migrations; DROP TABLE IF EXISTS ${tool.index.replace(/_idx$/, '')} CASCADE`));
    }
  });

  it('verify in place: a goose folder is applied, reverted and applied again in a temporary database', async () => {
    await forgetApplied();
    const dir = folder('goose-verify', {
      '1_accounts.sql': '-- +goose Up\nCREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE IF EXISTS accounts;\n',
      '2_accounts_index.sql':
        '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_id_idx ON accounts (id);\n-- +goose Down\n-- +goose NO TRANSACTION\nDROP INDEX CONCURRENTLY IF EXISTS accounts_id_idx;\n',
    });
    const verified = await sqlmig(['verify', '--dir', dir, '--format', 'json']);
    expect(verified.code, verified.stderr).toBe(0);
    const report = JSON.parse(verified.stdout) as { ok: boolean; migrations: Array<{ version: number; status: string }> };
    expect(report.ok).toBe(true);
    expect(report.migrations.map((m) => [m.version, m.status])).toEqual([
      [1, 'verified'],
      [2, 'verified'],
    ]);

    // A down that forgets the index is caught, and named at the goose file's line.
    folder('goose-verify', {
      '2_accounts_index.sql': '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_id_idx ON accounts (id);\n-- +goose Down\nSELECT 1;\n',
    });
    const caught = await sqlmig(['verify', '--dir', dir]);
    expect(caught.code, caught.stdout + caught.stderr).toBe(1);
    expect(caught.stdout + caught.stderr).toContain('accounts_id_idx');
    // verify never touches the database it was given.
    expect(await rows('sqlmig_migrations')).toEqual([]);
  });

  it("without a config file, in-place state goes to sqlmig's user cache, never into the tool folder or its parent", async () => {
    await forgetApplied();
    const parent = join(work, 'shared-corpus');
    const dir = folder('shared-corpus/goose-state', {
      '1_state.sql': '-- +goose Up\nCREATE TABLE IF NOT EXISTS state_t (id int);\n-- +goose Down\nDROP TABLE IF EXISTS state_t;\n',
    });
    for (const args of [['lint', '--dir', dir], ['up', '--dir', dir], ['status', '--dir', dir], ['down', '--dir', dir, '--yes']]) {
      const result = await sqlmig(args, parent);
      expect(result.code, `${args[0]}: ${result.stderr}`).toBe(0);
    }
    expect(readdirSync(parent)).toEqual(['goose-state']);
    expect(readdirSync(dir)).toEqual(['1_state.sql']);
    const states = readdirSync(join(userCache, 'sqlmig', 'in-place-state'));
    expect(states.some((state) => existsSync(join(userCache, 'sqlmig', 'in-place-state', state, '.sqlmig', 'cache')))).toBe(true);

    // With a config file, the state goes beside it, as for sqlmig's own folders.
    const project = folder('project', { '.migraterc.json': '{}' });
    expect((await sqlmig(['lint', '--dir', dir], project)).code).toBe(0);
    expect(existsSync(join(project, '.sqlmig', 'cache'))).toBe(true);
    expect(readdirSync(parent)).toEqual(['goose-state']);
  });

  it('renumbered versions: up and down refuse when a migration was inserted before applied ones, instead of running the wrong file', async () => {
    await forgetApplied();
    const dir = folder('flyway-dotted', {
      'V1__rn_a.sql': 'CREATE TABLE IF NOT EXISTS rn_a (id int);\n',
      'U1__rn_a.sql': 'DROP TABLE IF EXISTS rn_a;\n',
      'V1.1__rn_b.sql': 'CREATE TABLE IF NOT EXISTS rn_b (id int);\n',
      'U1.1__rn_b.sql': 'DROP TABLE IF EXISTS rn_b;\n',
    });
    expect((await sqlmig(['up', '--dir', dir])).code).toBe(0);
    expect(await rows('sqlmig_migrations')).toEqual([
      { version: '1', name: 'rn_a', dirty: false },
      { version: '2', name: 'rn_b', dirty: false },
    ]);
    // A teammate's V1.0.5 sorts between them: rn_b is now number 3, and number 2 is the new file.
    folder('flyway-dotted', { 'V1.0.5__rn_between.sql': 'CREATE TABLE IF NOT EXISTS rn_between (id int);\n', 'U1.0.5__rn_between.sql': 'DROP TABLE IF EXISTS rn_between;\n' });
    for (const args of [['up'], ['down', '--yes'], ['validate']]) {
      const refused = await sqlmig([...args, '--dir', dir]);
      expect(refused.code, `${args[0]}: ${refused.stderr}`).toBe(1);
      const output = refused.stdout + refused.stderr;
      expect(output).toContain('the recorded history no longer matches the files');
      expect(output).toContain('version 2 was applied as rn_b but it is now 0002_rn_between.up.sql');
      expect(output).toContain('sqlmig import');
    }
    const tables = await withConnection(database.url, (sql) => sql`SELECT tablename FROM pg_tables WHERE tablename LIKE 'rn_%' ORDER BY 1`);
    expect(tables.map((row) => row.tablename)).toEqual(['rn_a', 'rn_b']);
    expect((await rows('sqlmig_migrations')).map((row) => row.name)).toEqual(['rn_a', 'rn_b']);

    // Restored, the folder runs again; a migration added after the newest one is simply the next number.
    rmSync(join(dir, 'V1.0.5__rn_between.sql'));
    rmSync(join(dir, 'U1.0.5__rn_between.sql'));
    folder('flyway-dotted', { 'V1.2__rn_c.sql': 'CREATE TABLE IF NOT EXISTS rn_c (id int);\n', 'U1.2__rn_c.sql': 'DROP TABLE IF EXISTS rn_c;\n' });
    expect((await sqlmig(['up', '--dir', dir])).code).toBe(0);
    expect((await rows('sqlmig_migrations')).map((row) => `${row.version} ${row.name}`)).toEqual(['1 rn_a', '2 rn_b', '3 rn_c']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';

/** Tracking rows and user tables, as the database has them. */
async function snapshot(url: string) {
  return withConnection(url, async (sql) => {
    const tables = await sql<{ name: string }[]>`
      SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_name <> 'sqlmig_migrations' ORDER BY 1`;
    const tracking = await sql<{ version: string; name: string; checksum: string; dirty: boolean; duration_ms: number | null; applied_by: string | null }[]>`
      SELECT version, name, checksum, dirty, duration_ms, applied_by FROM sqlmig_migrations ORDER BY version`.catch(() => []);
    const columns = await sql<{ name: string }[]>`
      SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'orders' ORDER BY ordinal_position`;
    return {
      tables: tables.map((t) => t.name),
      versions: tracking.map((t) => Number(t.version)),
      tracking,
      orderColumns: columns.map((c) => c.name),
    };
  });
}

/** The `shop` fixture project and a fresh database of its own, for the describe block that calls it. */
function shopOnFreshDatabase() {
  const shop = {} as { db: FreshDatabase; project: Project; sqlmig: (...args: string[]) => ReturnType<typeof cli> };
  shop.sqlmig = (...args) => cli(shop.project, ['--url', shop.db.url, ...args]);
  beforeAll(async () => {
    shop.db = await freshDatabase();
    shop.project = await createProject({ fixture: 'shop' });
  });
  afterAll(async () => {
    await shop.project?.cleanup();
    await shop.db?.drop();
  });
  return shop;
}

describe('runner commands against PostgreSQL', () => {
  const shop = shopOnFreshDatabase();

  it('--dry-run and --sql print the plan and the exact SQL, and change nothing (not even the tracking table)', async () => {
    const dry = await shop.sqlmig('up', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('apply  0001_create_users');
    expect(dry.stdout).toContain('apply  0003_add_status_to_orders');

    const sql = await shop.sqlmig('up', '--sql', '--to', '1');
    expect(sql.code).toBe(0);
    expect(sql.stdout).toContain('CREATE TABLE IF NOT EXISTS "public"."sqlmig_migrations"');
    expect(sql.stdout).toMatch(/BEGIN;\nSET LOCAL lock_timeout = '10s';\nCREATE TABLE IF NOT EXISTS users/);
    expect(sql.stdout).toMatch(/INSERT INTO "public"."sqlmig_migrations" \(version, name, checksum, duration_ms, applied_by, dirty\) VALUES \(1, 'create_users', '[0-9a-f]{64}'/);
    expect(sql.stdout).toContain('COMMIT;');
    expect(sql.stdout).not.toContain('create_orders');

    const after = await withConnection(shop.db.url, (s) => s`SELECT to_regclass('public.sqlmig_migrations') AS t`);
    expect(after[0]!.t).toBeNull();
  });

  it('up --step 1 applies one migration, with its tracking row', async () => {
    const result = await shop.sqlmig('up', '--step', '1');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/applied\s+0001_create_users \(\d+ ms\)/);
    expect(result.stdout).toMatch(/Applied 1 migration in .*; now at version 1\./);
    const state = await snapshot(shop.db.url);
    expect(state.tables).toEqual(['users']);
    expect(state.versions).toEqual([1]);
    expect(state.tracking[0]).toMatchObject({ name: 'create_users', dirty: false });
    expect(state.tracking[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(state.tracking[0]!.applied_by).toMatch(/^postgres@/);
    expect(state.tracking[0]!.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('up --to 2 stops at version 2', async () => {
    expect((await shop.sqlmig('up', '--to', '2')).code).toBe(0);
    expect((await snapshot(shop.db.url)).versions).toEqual([1, 2]);
  });

  it('up applies the rest, then says there is nothing to do', async () => {
    const result = await shop.sqlmig('up');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/applied\s+0003_add_status_to_orders/);
    const state = await snapshot(shop.db.url);
    expect(state.versions).toEqual([1, 2, 3]);
    expect(state.orderColumns).toEqual(['id', 'user_id', 'status']);
    const comment = await withConnection(shop.db.url, (s) => s`SELECT col_description('orders'::regclass, 3) AS c`);
    expect(comment[0]!.c).toBe("it's the order's state; café ☕");

    const again = await shop.sqlmig('up');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to do: the database is up to date (version 3).');
  });

  it('status, current and history read the tracking table', async () => {
    const status = await shop.sqlmig('--format', 'json', 'status');
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { migrations: Array<{ version: number; state: string; file: string }> };
    expect(parsed.migrations.map((m) => [m.version, m.state])).toEqual([
      [1, 'applied'],
      [2, 'applied'],
      [3, 'applied'],
    ]);
    expect(parsed.migrations[0]!.file).toBe('sql/0001_create_users.up.sql');

    const table = await shop.sqlmig('status');
    expect(table.stdout).toMatch(/^Version\s+Name\s+State\s+Applied at$/m);
    expect(table.stdout).toMatch(/^0003\s+add_status_to_orders\s+applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);

    expect((await shop.sqlmig('current')).stdout.trim()).toBe('3 add_status_to_orders');

    const history = await shop.sqlmig('history');
    expect(history.stdout).toMatch(/^Applied at\s+Version\s+Name\s+Duration\s+Applied by$/m);
    expect(history.stdout.trim().split('\n')).toHaveLength(4);
    expect(history.stdout).toMatch(/0002\s+create_orders\s+\d+ ms\s+postgres@/);
  });

  it('down reverts one migration by default', async () => {
    const result = await shop.sqlmig('down', '--yes');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/reverted\s+0003_add_status_to_orders/);
    expect(result.stdout).toContain('now at version 2');
    const state = await snapshot(shop.db.url);
    expect(state.versions).toEqual([1, 2]);
    expect(state.orderColumns).toEqual(['id', 'user_id']);
  });

  it('redo reverts and re-applies the newest migration', async () => {
    await withConnection(shop.db.url, (s) => s`INSERT INTO users (email) VALUES ('a@example.com')`);
    const before = await withConnection(shop.db.url, (s) => s`SELECT applied_at FROM sqlmig_migrations WHERE version = 2`);

    const dry = await shop.sqlmig('redo', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/revert\s+0002_create_orders[\s\S]*apply\s+0002_create_orders/);
    const sql = await shop.sqlmig('redo', '--sql');
    expect(sql.code).toBe(0);
    expect(sql.stdout).toMatch(/DELETE FROM "public"."sqlmig_migrations" WHERE version = 2[\s\S]*INSERT INTO "public"."sqlmig_migrations"/);
    const untouched = await withConnection(shop.db.url, (s) => s`SELECT applied_at FROM sqlmig_migrations WHERE version = 2`);
    expect(untouched[0]!.applied_at.getTime()).toBe(before[0]!.applied_at.getTime());

    const result = await shop.sqlmig('redo', '--yes');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/reverted\s+0002_create_orders[\s\S]*applied\s+0002_create_orders[\s\S]*Redid version 2/);
    const after = await withConnection(shop.db.url, (s) => s`SELECT applied_at FROM sqlmig_migrations WHERE version = 2`);
    expect(after[0]!.applied_at.getTime()).toBeGreaterThan(before[0]!.applied_at.getTime());
    expect((await snapshot(shop.db.url)).versions).toEqual([1, 2]);
  });

  it('down --step 2 and down --to 0', async () => {
    expect((await shop.sqlmig('up')).code).toBe(0);
    expect((await shop.sqlmig('down', '--step', '2', '--yes')).code).toBe(0);
    expect((await snapshot(shop.db.url)).versions).toEqual([1]);
    const all = await shop.sqlmig('down', '--to', '0', '--yes');
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('no migration is applied');
    const state = await snapshot(shop.db.url);
    expect(state.versions).toEqual([]);
    expect(state.tables).toEqual([]);
    expect((await shop.sqlmig('down')).stdout).toContain('Nothing to do: no migration is applied.');
  });

  it('down --to V reverts everything newer than V', async () => {
    expect((await shop.sqlmig('up')).code).toBe(0);
    expect((await shop.sqlmig('down', '--to', '1', '--yes')).code).toBe(0);
    expect((await snapshot(shop.db.url)).versions).toEqual([1]);
  });

  it('--to together with --step, or a bad number, is a usage error', async () => {
    expect((await shop.sqlmig('up', '--to', '2', '--step', '1')).code).toBe(2);
    const bad = await shop.sqlmig('up', '--to', 'latest');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--to expects a migration version');
    expect((await shop.sqlmig('down', '--step', '0')).code).toBe(2);
  });

  it('up --to an unknown version is refused before anything runs', async () => {
    const result = await shop.sqlmig('up', '--to', '42');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--to 42: no migration has this version');
    expect((await snapshot(shop.db.url)).versions).toEqual([1]);
  });

  it('validate passes on a consistent database and exits 1 on an edited applied migration', async () => {
    const ok = await shop.sqlmig('validate');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('OK: 1 applied, 2 pending');

    await shop.project.write('0001_create_users.up.sql', 'CREATE TABLE users (id bigint PRIMARY KEY);\n');
    const bad = await shop.sqlmig('validate');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('sql/0001_create_users.up.sql: applied migration 1 was edited');
    const json = await shop.sqlmig('--format', 'json', 'validate');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, refusals: [{ kind: 'edited', version: 1, file: 'sql/0001_create_users.up.sql' }] });
  });
});

describe('stamp against PostgreSQL', () => {
  const shop = shopOnFreshDatabase();

  it('records migrations as applied without running them, then up applies the rest', async () => {
    const stamped = await shop.sqlmig('stamp', '2');
    expect(stamped.code).toBe(0);
    expect(stamped.stdout).toContain('Recorded 2 migrations as applied without running them');
    const rows = await withConnection(shop.db.url, (s) => s`SELECT version::int AS v, duration_ms, dirty FROM sqlmig_migrations ORDER BY 1`);
    expect(rows.map((r) => r.v)).toEqual([1, 2]);
    expect(rows.every((r) => r.duration_ms === null && r.dirty === false)).toBe(true);
    // Not run: the tables those files create do not exist.
    expect((await snapshot(shop.db.url)).tables).toEqual([]);

    expect((await shop.sqlmig('stamp', '2')).stdout).toContain('Nothing to stamp');
    const unknown = await shop.sqlmig('stamp', '9');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('stamp 9: no migration has this version');

    // The baseline is what the database already had, built some other way.
    await withConnection(shop.db.url, (s) =>
      s.unsafe('CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint)'),
    );
    const up = await shop.sqlmig('up');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/Applied 1 migration in .*; now at version 3/);
    expect((await snapshot(shop.db.url)).orderColumns).toEqual(['id', 'user_id', 'status']);
  });
});

describe('validate --no-lint', () => {
  const shop = shopOnFreshDatabase();

  it('validate reports lint errors of pending files; --no-lint skips that check only', async () => {
    await shop.project.write('0004_create_coupons.up.sql', 'CREATE TABLE coupons (id bigint PRIMARY KEY);\n');
    await shop.project.write('0004_create_coupons.down.sql', 'DROP TABLE IF EXISTS coupons;\n');
    const linted = await shop.sqlmig('validate');
    expect(linted.code).toBe(1);
    expect(linted.stdout).toMatch(/sql\/0004_create_coupons\.up\.sql:1:14: CREATE TABLE coupons fails when it already exists \[require-if-not-exists\]/);
    const skipped = await shop.sqlmig('validate', '--no-lint');
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('OK: 0 applied, 4 pending');
  });
});

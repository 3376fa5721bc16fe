import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';

let server: FreshDatabase;
beforeAll(async () => {
  server = await freshDatabase();
});
afterAll(async () => {
  await server?.drop();
});

/** Each test gets its own database (tracking table name per test) and project. */
async function setup(fixture?: string): Promise<{ project: Project; sqlmig: (...args: string[]) => ReturnType<typeof cli>; table: string }> {
  const table = `t_${Math.random().toString(36).slice(2, 10)}`;
  const project = await createProject({ fixture, config: { schema: table, table: 'sqlmig_migrations' } });
  onTestFinished(() => project.cleanup());
  return { project, sqlmig: (...args) => cli(project, ['--url', server.url, ...args]), table };
}

async function query<T = Record<string, unknown>>(text: string): Promise<T[]> {
  return withConnection(server.url, (sql) => sql.unsafe(text) as unknown as Promise<T[]>);
}

async function trackedVersions(schema: string): Promise<number[]> {
  const rows = await query<{ version: string }>(`SELECT version FROM "${schema}".sqlmig_migrations ORDER BY version`);
  return rows.map((row) => Number(row.version));
}

describe('a migration that fails', () => {
  it('on line 3: exit 1, file:3 named with a code frame, its earlier statements rolled back, no tracking row', async () => {
    const { project, sqlmig, table: schema } = await setup();
    await project.write('0001_one.up.sql', `CREATE TABLE ${schema}.one (id int);\n`);
    await project.write('0001_one.down.sql', `DROP TABLE ${schema}.one;\n`);
    await project.write(
      '0002_two.up.sql',
      `CREATE TABLE ${schema}.two (id int);\nINSERT INTO ${schema}.two VALUES (1);\nINSERT INTO ${schema}.missing VALUES (1);\n`,
    );
    await project.write('0002_two.down.sql', `DROP TABLE ${schema}.two;\n`);
    await project.write('0003_three.up.sql', `CREATE TABLE ${schema}.three (id int);\n`);
    await project.write('0003_three.down.sql', `DROP TABLE ${schema}.three;\n`);

    const result = await sqlmig('up', '--no-lint');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/applied\s+0001_one/);
    expect(result.stdout).toMatch(/failed\s+0002_two/);
    // PostgreSQL points at the start of the qualified name.
    expect(result.stderr).toContain(`error: sql/0002_two.up.sql:3:13: relation "${schema}.missing" does not exist (SQLSTATE 42P01)`);
    expect(result.stderr).toMatch(/> 3 \| INSERT INTO \S+\.missing VALUES \(1\);\n\s+\|\s+\^/);
    expect(result.stderr).toContain('0002_two.up.sql was rolled back');

    const tables = await query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY 1`);
    expect(tables.map((t) => t.name)).toEqual(['one', 'sqlmig_migrations']);
    expect(await trackedVersions(schema)).toEqual([1]);

    // The session was rolled back cleanly: fixing the file lets the next run go on.
    await project.write('0002_two.up.sql', `CREATE TABLE ${schema}.two (id int);\n`);
    expect((await sqlmig('up', '--no-lint')).code).toBe(0);
    expect(await trackedVersions(schema)).toEqual([1, 2, 3]);
  });

  it('with a run-time error (no position): names the failing statement found by a rolled-back replay, prints detail, rolls back', async () => {
    const { project, sqlmig, table: schema } = await setup();
    await project.write(
      '0001_dupes.up.sql',
      `CREATE TABLE ${schema}.u (id int PRIMARY KEY);\nINSERT INTO ${schema}.u VALUES (1), (1);\n`,
    );
    const result = await sqlmig('up', '--no-lint');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: sql/0001_dupes.up.sql:2:1: duplicate key value violates unique constraint');
    expect(result.stderr).toMatch(/> 2 \| INSERT INTO \S+ VALUES \(1\), \(1\);\n\s+\| \^/);
    expect(result.stderr).toContain('detail: Key (id)=(1) already exists.');
    expect(await trackedVersions(schema)).toEqual([]);
  });
});

describe('refused before anything runs', () => {
  it('an edited applied migration', async () => {
    const { project, sqlmig, table: schema } = await setup();
    await project.write('0001_one.up.sql', `CREATE TABLE ${schema}.one (id int);\n`);
    expect((await sqlmig('up', '--no-lint')).code).toBe(0);
    await project.write('0001_one.up.sql', `CREATE TABLE ${schema}.one (id bigint);\n`);
    await project.write('0002_two.up.sql', `CREATE TABLE ${schema}.two (id int);\n`);

    const result = await sqlmig('up', '--no-lint');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nothing was run: 1 problem');
    expect(result.stderr).toContain('sql/0001_one.up.sql: applied migration 1 was edited');
    expect(result.stderr).toContain('sqlmig new');
    expect(await trackedVersions(schema)).toEqual([1]);
    expect(await query(`SELECT to_regclass('${schema}.two') AS t`)).toEqual([{ t: null }]);

    const status = JSON.parse((await sqlmig('--format', 'json', 'status')).stdout) as { migrations: Array<{ state: string }> };
    expect(status.migrations.map((m) => m.state)).toEqual(['edited', 'pending']);
  });

  it('an applied migration whose file is missing', async () => {
    const { project, sqlmig, table: schema } = await setup();
    await project.write('0001_one.up.sql', `CREATE TABLE ${schema}.one (id int);\n`);
    await project.write('0002_two.up.sql', `CREATE TABLE ${schema}.two (id int);\n`);
    expect((await sqlmig('up', '--no-lint')).code).toBe(0);
    await project.remove('0002_two.up.sql');
    await project.write('0003_three.up.sql', `CREATE TABLE ${schema}.three (id int);\n`);

    const result = await sqlmig('up', '--no-lint');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('sql/0002_two.up.sql: version 2 (two) was applied on');
    expect(result.stderr).toContain('but its up file is missing');
    expect(await trackedVersions(schema)).toEqual([1, 2]);
    expect(await query(`SELECT to_regclass('${schema}.three') AS t`)).toEqual([{ t: null }]);

    const validate = await sqlmig('validate');
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain('up file is missing');
  });

  it('a pending version older than the newest applied one, unless --allow-out-of-order', async () => {
    const { project, sqlmig, table: schema } = await setup();
    // Lint-clean files: validate runs the lint gate too.
    const pair = async (version: string, name: string) => {
      await project.write(`${version}_${name}.up.sql`, `CREATE TABLE IF NOT EXISTS ${schema}.${name} (id int);\n`);
      await project.write(`${version}_${name}.down.sql`, `DROP TABLE IF EXISTS ${schema}.${name};\n`);
    };
    await pair('0001', 'one');
    await pair('0003', 'three');
    expect((await sqlmig('up')).code).toBe(0);
    await pair('0002', 'two');

    const refused = await sqlmig('up');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('sql/0002_two.up.sql: pending version 2 is older than the newest applied version 3');
    expect(refused.stderr).toContain('--allow-out-of-order');
    expect((await sqlmig('validate')).code).toBe(1);
    expect((await sqlmig('validate', '--allow-out-of-order')).code).toBe(0);
    expect((await sqlmig('up', '--allow-out-of-order')).code).toBe(0);
    expect(await trackedVersions(schema)).toEqual([1, 2, 3]);
  });

  it('error-severity lint findings in pending files (the gate), unless --no-lint', async () => {
    const { project, sqlmig, table: schema } = await setup();
    await project.write('0001_one.up.sql', `CREATE TABLE ${schema}.one (id int);\n`);
    await project.write('0001_one.down.sql', `DROP TABLE IF EXISTS ${schema}.one;\n`);
    const refused = await sqlmig('up');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('lint error');
    expect(refused.stderr).toMatch(/sql\/0001_one\.up\.sql:1:\d+: .*\[require-if-not-exists\]/);
    expect(await query(`SELECT to_regclass('${schema}.one') AS t`)).toEqual([{ t: null }]);
    expect((await sqlmig('up', '--no-lint')).code).toBe(0);
  });
});

describe('no-transaction migrations', () => {
  it('CREATE INDEX CONCURRENTLY applies, statement by statement, and reverts', async () => {
    const { project, sqlmig, table: schema } = await setup();
    await project.write('0001_table.up.sql', `CREATE TABLE ${schema}.items (id int, name text);\n`);
    await project.write(
      '0002_index.up.sql',
      `-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY items_id ON ${schema}.items (id);\nCREATE INDEX CONCURRENTLY items_name ON ${schema}.items (name);\n`,
    );
    await project.write(
      '0002_index.down.sql',
      `-- sqlmig:no-transaction\nDROP INDEX CONCURRENTLY ${schema}.items_name;\nDROP INDEX CONCURRENTLY ${schema}.items_id;\n`,
    );
    const result = await sqlmig('up', '--no-lint');
    // The one line on stderr is where the configuration and database came from; nothing else.
    expect(result.stderr).toMatch(/^config: [^\n]*\n$/);
    expect(result.code).toBe(0);
    const indexes = await query<{ name: string; valid: boolean }>(
      `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${schema}' AND c.relname LIKE 'items_%' ORDER BY 1`,
    );
    expect(indexes).toEqual([
      { name: 'items_id', valid: true },
      { name: 'items_name', valid: true },
    ]);
    const rows = await query<{ dirty: boolean; duration_ms: number | null }>(`SELECT dirty, duration_ms FROM "${schema}".sqlmig_migrations WHERE version = 2`);
    expect(rows).toEqual([{ dirty: false, duration_ms: expect.any(Number) }]);

    expect((await sqlmig('down')).code).toBe(0);
    expect(await trackedVersions(schema)).toEqual([1]);
    expect(await query(`SELECT to_regclass('${schema}.items_id') AS t`)).toEqual([{ t: null }]);
  });

  it('one that fails leaves a dirty row that blocks up until resolve', async () => {
    const { project, sqlmig, table: schema } = await setup();
    await project.write('0001_table.up.sql', `CREATE TABLE ${schema}.items (id int);\n`);
    await project.write(
      '0002_index.up.sql',
      `-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY items_id ON ${schema}.items (id);\n\nCREATE INDEX CONCURRENTLY items_nope ON ${schema}.items (nope);\n`,
    );
    await project.write('0003_more.up.sql', `CREATE TABLE ${schema}.more (id int);\n`);

    const failed = await sqlmig('up', '--no-lint');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('error: sql/0002_index.up.sql:4:1: column "nope" does not exist');
    expect(failed.stderr).toContain('version 2 is marked dirty');
    expect(failed.stderr).toContain('sqlmig resolve 2 --applied');
    // The first statement stays (no transaction); the row is dirty; nothing after it ran.
    expect(await query(`SELECT to_regclass('${schema}.items_id')::text AS t`)).toEqual([{ t: `${schema}.items_id` }]);
    expect(await query(`SELECT version::int AS v, dirty FROM "${schema}".sqlmig_migrations ORDER BY 1`)).toEqual([
      { v: 1, dirty: false },
      { v: 2, dirty: true },
    ]);

    const blocked = await sqlmig('up', '--no-lint');
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('version 2 (index) is dirty');
    expect(blocked.stderr).toContain('sqlmig resolve 2 --rolled-back');
    expect((await sqlmig('validate')).code).toBe(1);
    expect(JSON.parse((await sqlmig('--format', 'json', 'status')).stdout).migrations.map((m: { state: string }) => m.state)).toEqual([
      'applied',
      'dirty',
      'pending',
    ]);
    expect((await sqlmig('current')).stdout.trim()).toBe('2 index (dirty)');

    // resolve needs exactly one of the two flags, and a dirty version.
    expect((await sqlmig('resolve', '2')).code).toBe(2);
    expect((await sqlmig('resolve', '2', '--applied', '--rolled-back')).code).toBe(2);
    const notDirty = await sqlmig('resolve', '1', '--applied');
    expect(notDirty.code).toBe(1);
    expect(notDirty.stderr).toContain('version 1 (table) is not dirty');

    // Undo by hand, record that, fix the file: up goes on from there.
    await query(`DROP INDEX ${schema}.items_id`);
    const resolved = await sqlmig('resolve', '2', '--rolled-back');
    expect(resolved.code).toBe(0);
    expect(await trackedVersions(schema)).toEqual([1]);
    await project.write('0002_index.up.sql', `-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY items_id ON ${schema}.items (id);\n`);
    expect((await sqlmig('up', '--no-lint')).code).toBe(0);
    expect(await trackedVersions(schema)).toEqual([1, 2, 3]);
  });

  it('resolve --applied keeps the row and clears the flag', async () => {
    const { project, sqlmig, table: schema } = await setup();
    await project.write('0001_vacuum.up.sql', `-- sqlmig:no-transaction\nCREATE TABLE ${schema}.v (id int);\nVACUUM ${schema}.nope;\n`);
    expect((await sqlmig('up', '--no-lint')).code).toBe(1);
    await query(`CREATE TABLE IF NOT EXISTS ${schema}.v (id int)`);
    expect((await sqlmig('resolve', '1', '--applied')).code).toBe(0);
    expect(await query(`SELECT version::int AS v, dirty FROM "${schema}".sqlmig_migrations`)).toEqual([{ v: 1, dirty: false }]);
    expect((await sqlmig('up', '--no-lint')).stdout).toContain('Nothing to do');
  });
});

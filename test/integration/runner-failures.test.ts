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

describe('a down file without an up file', () => {
  it('status lists it as a problem and exits 1 (like validate); a refused down points to status, which lists it', async () => {
    const { project, sqlmig } = await setup();
    await project.write('0001_one.up.sql', 'SELECT 1;\n');
    await project.write('0002_gone.down.sql', 'SELECT 2;\n');

    const table = await sqlmig('status');
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^0002\s+gone\s+no-up-file\s*$/m);
    expect(table.stdout).toContain('1 file problem (up, validate and verify refuse to run until fixed):\n  sql/0002_gone.down.sql: "0002_gone.down.sql" has no up file');
    const json = await sqlmig('--format', 'json', 'status');
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { migrations: Array<{ state: string }>; problems: Array<{ kind: string; path: string }> };
    expect(parsed.migrations.map((m) => m.state)).toEqual(['pending', 'no-up-file']);
    expect(parsed.problems).toMatchObject([{ kind: 'orphan-down', path: 'sql/0002_gone.down.sql' }]);
    expect((await sqlmig('validate', '--no-lint')).code).toBe(1);

    const down = await sqlmig('down');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('sql/0002_gone.down.sql: "0002_gone.down.sql" has no up file');
    expect(down.stderr).toContain('`sqlmig status` shows the state of every migration and the file problems');
    expect(down.stderr).not.toContain('sqlmig validate');

    // Once fixed, status is clean again: exit 0.
    await project.remove('0002_gone.down.sql');
    expect((await sqlmig('status')).code).toBe(0);
  });
});

describe('a file with its own BEGIN / COMMIT / ROLLBACK', () => {
  // As formbricks 0127: a COMMIT half way commits what came before it; a failure after it rolled back only the rest.
  it('is refused before anything runs, even with --no-lint, naming the command; no message claims a rollback', async () => {
    const { project, sqlmig, table: schema } = await setup();
    await project.write('0001_one.up.sql', `CREATE TABLE ${schema}.one (id int);\n`);
    await project.write(
      '0002_own.up.sql',
      `CREATE TABLE ${schema}.before_commit (id int);\nDO $$ BEGIN PERFORM 1; END $$;\n  COMMIT;\nBEGIN;\nINSERT INTO ${schema}.missing VALUES (1);\nCOMMIT;\n`,
    );
    const result = await sqlmig('up', '--no-lint');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: sql/0002_own.up.sql:3:3: COMMIT at the top level of a file that sqlmig runs in its own transaction');
    expect(result.stderr).toContain('-- sqlmig:no-transaction');
    expect(result.stderr).not.toContain('rolled back');
    // Refused while planning: not even 0001 ran, and nothing was committed.
    expect(await query(`SELECT to_regclass('${schema}.one')::text AS one, to_regclass('${schema}.before_commit')::text AS partial`)).toEqual([
      { one: null, partial: null },
    ]);

    for (const [text, command, at] of [
      ['START TRANSACTION;\nSELECT 1;\n', 'START TRANSACTION', '1:1'],
      ['SELECT 1;\n/* done */ ROLLBACK;\n', 'ROLLBACK', '2:12'],
      ['SELECT 1;\nend;\n', 'END', '2:1'],
    ] as const) {
      await project.write('0002_own.up.sql', text);
      const refused = await sqlmig('up', '--no-lint');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`error: sql/0002_own.up.sql:${at}: ${command} at the top level`);
    }

    // Savepoints, PL/pgSQL's BEGIN/END and a no-transaction file with its own transaction all run.
    await project.write(
      '0002_own.up.sql',
      `SAVEPOINT s;\nCREATE TABLE ${schema}.two (id int);\nRELEASE SAVEPOINT s;\nDO $$\nBEGIN\n  PERFORM 1;\nEND\n$$;\n`,
    );
    await project.write('0003_own.up.sql', `-- sqlmig:no-transaction\nBEGIN;\nCREATE TABLE ${schema}.three (id int);\nCOMMIT;\n`);
    expect((await sqlmig('up', '--no-lint')).code).toBe(0);
    expect(await trackedVersions(schema)).toEqual([1, 2, 3]);
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

  it('a failed CREATE INDEX CONCURRENTLY: the INVALID index it left is named with its DROP; resolve --applied refuses while it remains', async () => {
    const { project, sqlmig, table: schema } = await setup();
    await project.write('0001_items.up.sql', `CREATE TABLE ${schema}.items (id int);\nINSERT INTO ${schema}.items VALUES (1), (1);\n`);
    await project.write('0002_unique.up.sql', `-- sqlmig:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_id ON ${schema}.items (id);\n`);
    const drop = `DROP INDEX CONCURRENTLY IF EXISTS "${schema}"."items_id";`;

    const failed = await sqlmig('up', '--no-lint');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('error: sql/0002_unique.up.sql:2:1: could not create unique index "items_id"');
    expect(failed.stderr).toContain('it left an INVALID index');
    expect(failed.stderr).toContain(`drop it first:\n  ${drop}\n`);
    const valid = () => query(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('${schema}.items_id')`);
    expect(await valid()).toEqual([{ valid: false }]);

    const refused = await sqlmig('resolve', '2', '--applied');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the database has an INVALID index');
    expect(refused.stderr).toContain(drop);
    expect(await query(`SELECT version::int AS v, dirty FROM "${schema}".sqlmig_migrations ORDER BY 1`)).toEqual([
      { v: 1, dirty: false },
      { v: 2, dirty: true },
    ]);

    // Following the advice: drop it, fix the data, roll back the row, run again: the index is built, valid.
    await query(drop);
    await query(`DELETE FROM ${schema}.items WHERE ctid <> (SELECT min(ctid) FROM ${schema}.items)`);
    expect((await sqlmig('resolve', '2', '--rolled-back')).code).toBe(0);
    expect((await sqlmig('up', '--no-lint')).code).toBe(0);
    expect(await valid()).toEqual([{ valid: true }]);
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

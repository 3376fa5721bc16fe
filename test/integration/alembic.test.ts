import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';

/**
 * The Alembic fixture (test/fixtures/alembic/versions: raw SQL in op.execute, a branch merged by a merge
 * revision, one revision with op.add_column) imported, applied on the server, and `alembic_version` taken over.
 */

const versionsDir = fileURLToPath(new URL('../fixtures/alembic/versions/', import.meta.url));

// alembic/ddl/impl.py version_table_impl, as SQLAlchemy renders it for PostgreSQL.
const ALEMBIC_VERSION_DDL = 'CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)';

async function trackedVersions(url: string): Promise<number[]> {
  return withConnection(url, async (sql) => (await sql<{ version: string }[]>`SELECT version FROM sqlmig_migrations ORDER BY version`).map((row) => Number(row.version)));
}

async function columns(url: string, table: string): Promise<string[]> {
  return withConnection(url, async (sql) =>
    (await sql<{ name: string }[]>`SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${table} ORDER BY ordinal_position`).map((row) => row.name),
  );
}

describe('import --from alembic, then up on the server', () => {
  let db: FreshDatabase;
  let project: Project;
  beforeAll(async () => {
    db = await freshDatabase();
    project = await createProject();
  });
  afterAll(async () => {
    await project?.cleanup();
    await db?.drop();
  });

  it('writes the convertible revisions (and sqlmig.sum), lists the rest (exit 1), and the written files apply', async () => {
    const imported = await cli(project, ['import', '--from', 'alembic', versionsDir, '--to', 'sql']);
    expect(imported.code, imported.stderr).toBe(1);
    expect(await project.files()).toEqual([
      '0001_1975ea83b712_create_accounts.down.sql',
      '0001_1975ea83b712_create_accounts.up.sql',
      '0002_ae1027a6acf_create_projects.down.sql',
      '0002_ae1027a6acf_create_projects.up.sql',
      '0003_27c6a30d7c24_add_accounts_email.down.sql',
      '0003_27c6a30d7c24_add_accounts_email.up.sql',
      '0005_4c9d2e1f0a7b_merge_email_and_archived.down.sql',
      '0005_4c9d2e1f0a7b_merge_email_and_archived.up.sql',
      '0006_5e8f7a6b4c3d_create_tasks.down.sql',
      '0006_5e8f7a6b4c3d_create_tasks.up.sql',
      'sqlmig.sum',
    ]);
    expect(imported.stdout).toContain('not converted, needs you (2):');
    expect(imported.stdout).toMatch(/3b1f0e2d9c8a_add_projects_archived\.py: line 19: upgrade\(\) is not only op\.execute\(\) of literal SQL: `op\.add_column\('projects', sa\.Column/);
    expect(imported.stdout).toContain('`alembic upgrade ae1027a6acf:3b1f0e2d9c8a --sql`, into 0004_3b1f0e2d9c8a_add_projects_archived.up.sql');
    expect(imported.stdout).toMatch(/3b1f0e2d9c8a_add_projects_archived\.py: line 23: downgrade\(\)/);

    // What import drafts passes sqlmig's own lint (the merge revision's empty down file says why it is empty).
    const lint = await cli(project, ['lint']);
    expect(lint.code, lint.stdout).toBe(0);
    const up = await cli(project, ['--url', db.url, 'up']);
    expect(up.stderr).not.toMatch(/error/);
    expect(up.code).toBe(0);
    expect(await trackedVersions(db.url)).toEqual([1, 2, 3, 5, 6]);
    expect(await columns(db.url, 'accounts')).toEqual(['id', 'name', 'created_at', 'email']);
    expect(await columns(db.url, 'projects')).toEqual(['id', 'account_id', 'title']);
    expect(await columns(db.url, 'tasks')).toEqual(['id', 'project_id', 'due_at', 'done_ratio']);
    const comment = await withConnection(db.url, (sql) => sql`SELECT col_description('accounts'::regclass, 4) AS c`);
    expect(comment[0]!.c).toBe('login address, e.g. a\\b@example.com');

    // Down reverts with the converted downgrade() SQL.
    const down = await cli(project, ['--url', db.url, 'down', '--to', '2', '--yes']);
    expect(down.code, down.stderr).toBe(0);
    expect(await trackedVersions(db.url)).toEqual([1, 2]);
    expect(await columns(db.url, 'accounts')).toEqual(['id', 'name', 'created_at']);
    expect(await columns(db.url, 'tasks')).toEqual([]);
  });

  it('refuses to import into a folder that already has migrations (exit 2)', async () => {
    const again = await cli(project, ['import', '--from', 'alembic', versionsDir, '--to', 'sql']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds migrations');
  });
});

describe('stamp --from alembic: alembic_version mapped to the imported versions', () => {
  let db: FreshDatabase;
  let project: Project;
  const sqlmig = (...args: string[]) => cli(project, ['--url', db.url, ...args]);
  beforeAll(async () => {
    db = await freshDatabase();
    project = await createProject();
    expect((await cli(project, ['import', '--from', 'alembic', versionsDir, '--to', 'sql'])).code).toBe(1);
  });
  afterAll(async () => {
    await project?.cleanup();
    await db?.drop();
  });

  it('refuses a head that descends from a revision the folder does not have yet (exit 1), recording nothing', async () => {
    await withConnection(db.url, (sql) => sql.unsafe(`${ALEMBIC_VERSION_DDL};\nINSERT INTO alembic_version (version_num) VALUES ('4c9d2e1f0a7b')`));
    const result = await sqlmig('stamp', '--from', 'alembic');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('records 3b1f0e2d9c8a as applied, but no file has the marker `-- alembic revision 3b1f0e2d9c8a`');
    expect(await trackedVersions(db.url)).toEqual([]);
  });

  it('records what the head descends from (one branch of the merge), and `up` runs the rest once the listed revision is converted', async () => {
    // Alembic upgraded to 27c6a30d7c24 only: the other branch (3b1f0e2d9c8a) and the merge did not run.
    await withConnection(db.url, async (sql) => {
      await sql.unsafe("UPDATE alembic_version SET version_num = '27c6a30d7c24'");
      await sql.unsafe(
        'CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), email text);' +
          'CREATE TABLE projects (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), title text NOT NULL);' +
          'CREATE INDEX projects_account_id_idx ON projects (account_id);',
      );
    });
    const taken = await sqlmig('stamp', '--from', 'alembic');
    expect(taken.code, taken.stderr).toBe(0);
    expect(await trackedVersions(db.url)).toEqual([1, 2, 3]);
    const alembicRows = await withConnection(db.url, (sql) => sql`SELECT version_num FROM alembic_version`);
    expect(alembicRows).toEqual([{ version_num: '27c6a30d7c24' }]);

    // The listed revision, converted by hand as the import's hint says.
    await project.write('0004_3b1f0e2d9c8a_add_projects_archived.up.sql', '-- alembic revision 3b1f0e2d9c8a revises ae1027a6acf\nALTER TABLE projects ADD COLUMN IF NOT EXISTS archived boolean DEFAULT false NOT NULL;\n');
    await project.write('0004_3b1f0e2d9c8a_add_projects_archived.down.sql', 'ALTER TABLE projects DROP COLUMN IF EXISTS archived;\n');
    expect((await sqlmig('hash')).code).toBe(0);
    const up = await sqlmig('up');
    expect(up.stderr).not.toMatch(/error/);
    expect(up.code).toBe(0);
    expect(await trackedVersions(db.url)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await columns(db.url, 'projects')).toEqual(['id', 'account_id', 'title', 'archived']);
  });
});

describe('import --from alembic --history when the head descends from a revision it could not convert', () => {
  let db: FreshDatabase;
  let project: Project;
  beforeAll(async () => {
    db = await freshDatabase();
    project = await createProject();
    await withConnection(db.url, (sql) => sql.unsafe(`${ALEMBIC_VERSION_DDL};\nINSERT INTO alembic_version (version_num) VALUES ('5e8f7a6b4c3d')`));
  });
  afterAll(async () => {
    await project?.cleanup();
    await db?.drop();
  });

  it('lists what it did not convert, then refuses the takeover (exit 1), saying the files were written and how to go on', async () => {
    const result = await cli(project, ['--url', db.url, 'import', '--from', 'alembic', versionsDir, '--to', 'sql', '--history']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('not converted, needs you (2):');
    expect(result.stderr).toContain('records 3b1f0e2d9c8a as applied, but no file has the marker `-- alembic revision 3b1f0e2d9c8a` (5e8f7a6b4c3d descends from it)');
    expect(result.stderr).toContain('the files in sql were written; once that is fixed, run `sqlmig stamp --from alembic`');
    expect(await trackedVersions(db.url)).toEqual([]);
    expect(await project.files()).toContain('0006_5e8f7a6b4c3d_create_tasks.up.sql');
  });
});

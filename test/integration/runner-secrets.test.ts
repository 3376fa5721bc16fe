import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { cli, createProject, spawnCli, type CliResult, type Project } from '../fixtures/runner/project.js';

const PASSWORD = `S3cr3t-${Math.random().toString(36).slice(2, 10)}@/:%`;
const ENCODED = encodeURIComponent(PASSWORD);

/** Neither the password nor its URL-encoded form, anywhere. */
function expectNoSecret(result: CliResult): void {
  const all = result.stdout + result.stderr;
  expect(all).not.toContain(PASSWORD);
  expect(all).not.toContain(ENCODED);
  expect(all).not.toContain('S3cr3t');
}

describe('a password in the database URL never appears in output', () => {
  let db: FreshDatabase;
  let project: Project;
  let role: string;
  /** The test database's URL with the role and its password. */
  let url: string;
  const withPassword = (base: string, database?: string) => {
    const parsed = new URL(base);
    parsed.username = role;
    parsed.password = ENCODED;
    if (database) parsed.pathname = `/${database}`;
    return parsed.toString();
  };

  beforeAll(async () => {
    db = await freshDatabase();
    role = `sqlmig_secret_${Math.random().toString(36).slice(2, 8)}`;
    await withConnection(db.url, async (sql) => {
      await sql.unsafe(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD.replaceAll("'", "''")}'`);
      await sql.unsafe(`ALTER DATABASE ${db.name} OWNER TO ${role}`);
    });
    url = withPassword(db.url);
    project = await createProject({ fixture: 'shop' });
  });
  afterAll(async () => {
    await project?.cleanup();
    await db?.drop();
    await withConnection(process.env.SQLMIG_TEST_DATABASE_URL ?? db.url, (sql) => sql.unsafe(`DROP ROLE IF EXISTS ${role}`)).catch(() => undefined);
  });

  it('through up, status, history, current, --sql and down (--verbose)', async () => {
    for (const args of [['up'], ['status'], ['--format', 'json', 'status'], ['history'], ['current'], ['down', '--sql'], ['down', '--yes'], ['validate']]) {
      const result = await cli(project, ['--verbose', '--url', url, ...args]);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      expectNoSecret(result);
    }
    const applied = await withConnection(db.url, (sql) => sql`SELECT applied_by FROM sqlmig_migrations ORDER BY version LIMIT 1`);
    expect(applied[0]!.applied_by).toMatch(new RegExp(`^${role}@`));
  });

  it('through a failing migration', async () => {
    await project.write('0004_broken.up.sql', 'SELECT * FROM no_such_table;\n');
    const result = await cli(project, ['--url', url, 'up', '--no-lint']);
    await project.remove('0004_broken.up.sql');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no_such_table');
    expectNoSecret(result);
  });

  it('through a database that does not exist: exit 2, the URL shown redacted', async () => {
    const result = await cli(project, ['--verbose', '--url', withPassword(db.url, 'no_such_database_x'), 'up']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('database "no_such_database_x" does not exist');
    expect(result.stderr).toContain(`postgres://${role}:***@`);
    expect(result.stderr).toContain('createdb');
    expectNoSecret(result);
  });

  it('through an unreachable port: exit 2', async () => {
    const parsed = new URL(url);
    parsed.port = '1';
    const result = await cli(project, ['--url', parsed.toString(), 'status']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('connection refused');
    expect(result.stderr).toContain('--wait');
    expectNoSecret(result);
  });

  it('through DATABASE_URL and a config databaseUrl with ${VAR}, on the error path', async () => {
    const parsed = new URL(url);
    parsed.port = '1';
    const env = { DATABASE_URL: parsed.toString() };
    const fromEnv = await cli(project, ['current'], env);
    expect(fromEnv.code).toBe(2);
    expectNoSecret(fromEnv);

    const configured = await createProject({ fixture: 'shop', config: { databaseUrl: '${APP_DB}' } });
    try {
      const result = await cli(configured, ['--verbose', 'history'], { APP_DB: withPassword(db.url, 'no_such_database_y') });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('no_such_database_y');
      expectNoSecret(result);
    } finally {
      await configured.cleanup();
    }
  });

  it('from the built CLI process, on success and on failure', async () => {
    const ok = await spawnCli(project, ['--url', url, 'up']);
    expect(ok.code, ok.stderr).toBe(0);
    expectNoSecret(ok);
    const failed = await spawnCli(project, ['--verbose', '--url', withPassword(db.url, 'no_such_database_z'), 'up']);
    expect(failed.code).toBe(2);
    expectNoSecret(failed);
  });
});

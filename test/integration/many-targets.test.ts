import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateMany } from '../../src/index.js';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';

/** Four migrations; each sleeps so that targets overlap long enough to count them on the server. */
async function writeMigrations(project: Project, sleep: number): Promise<void> {
  const pause = sleep > 0 ? `SELECT pg_sleep(${sleep});\n` : '';
  await project.write('0001_accounts.up.sql', `${pause}CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY, email text NOT NULL);\n`);
  await project.write('0001_accounts.down.sql', 'DROP TABLE IF EXISTS accounts;\n');
  await project.write('0002_notes.up.sql', `${pause}CREATE TABLE IF NOT EXISTS notes (id bigint PRIMARY KEY, body text NOT NULL);\n`);
  await project.write('0002_notes.down.sql', 'DROP TABLE IF EXISTS notes;\n');
  // Line 2 fails where a type of that name already exists.
  await project.write('0003_mood.up.sql', `-- the moods a note can have\nCREATE TYPE mood AS ENUM ('happy', 'sad');\n${pause}`);
  await project.write('0003_mood.down.sql', 'DROP TYPE IF EXISTS mood;\n');
  await project.write('0004_tags.up.sql', `${pause}CREATE TABLE IF NOT EXISTS tags (id bigint PRIMARY KEY, label text NOT NULL);\n`);
  await project.write('0004_tags.down.sql', 'DROP TABLE IF EXISTS tags;\n');
}

async function appliedVersions(url: string, table = 'public.sqlmig_migrations'): Promise<number[]> {
  return withConnection(url, async (sql) => {
    const [found] = await sql`SELECT to_regclass(${table}) IS NOT NULL AS present`;
    if (!found!.present) return [];
    const rows = await sql.unsafe(`SELECT version FROM ${table} ORDER BY version`);
    return rows.map((row) => Number(row.version));
  });
}

/** Samples pg_stat_activity: the most sqlmig sessions seen at once on the given databases. */
function sampleSessions(adminUrl: string, databases: string[]): { stop: () => Promise<number> } {
  let running = true;
  let most = 0;
  const done = withConnection(adminUrl, async (sql) => {
    while (running) {
      const [row] = await sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'sqlmig' AND datname = ANY(${databases})`;
      most = Math.max(most, row!.n as number);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  });
  return {
    stop: async () => {
      running = false;
      await done;
      return most;
    },
  };
}

describe('eight databases, one failing at its third migration', () => {
  const dbs: FreshDatabase[] = [];
  let project: Project;

  beforeAll(async () => {
    for (let i = 0; i < 8; i++) dbs.push(await freshDatabase());
    // Tenant 5 already has a type "mood": its 0003 fails there.
    await withConnection(dbs[4]!.url, (sql) => sql.unsafe("CREATE TYPE mood AS ENUM ('meh')"));
    const environments = Object.fromEntries(dbs.map((db, i) => [`tenant-${i + 1}`, { databaseUrl: db.url }]));
    project = await createProject({ config: { environments } });
    await writeMigrations(project, 0.3);
  }, 60_000);
  afterAll(async () => {
    await project?.cleanup();
    for (const db of dbs) await db.drop();
  });

  it('runs at most --concurrency at once, completes the other 7, reports the failure with target and file:line, exit 1', async () => {
    const sampler = sampleSessions(dbs[0]!.url, dbs.map((db) => db.name));
    const result = await cli(project, ['--env', 'tenant-*', 'up', '--concurrency', '3', '--continue-on-error']);
    const most = await sampler.stop();
    expect(most, 'simultaneous sqlmig sessions').toBeLessThanOrEqual(3);
    expect(most, 'targets ran in parallel').toBeGreaterThanOrEqual(2);
    expect(result.code, result.stderr).toBe(1);
    for (const [i, db] of dbs.entries()) {
      expect(await appliedVersions(db.url), `tenant-${i + 1}`).toEqual(i === 4 ? [1, 2] : [1, 2, 3, 4]);
    }
    expect(result.stdout).toMatch(/^failed\s+tenant-5\s+sql\/0003_mood\.up\.sql:2:1: .*type "mood" already exists/m);
    expect(result.stderr).toMatch(/tenant-5: error: sql\/0003_mood\.up\.sql:2:1: .*type "mood" already exists/);
    expect(result.stdout).toMatch(/^tenant-1\s+ok\s+Applied 4 migrations/m);
    expect(result.stdout).toContain('7 ok, 1 failed');
    expect(result.stderr).toContain('8 targets, at most 3 at a time');
  }, 60_000);

  it('after the fix, a rerun applies only what the failed target lacks', async () => {
    await withConnection(dbs[4]!.url, (sql) => sql.unsafe('DROP TYPE mood'));
    const result = await cli(project, ['--env', 'tenant-*', '--format', 'json', 'up']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; targets: Array<{ target: string; status: string; result: { steps: Array<{ version: number }> } }> };
    expect(report.ok).toBe(true);
    expect(report.targets.map((t) => [t.target, t.status, t.result.steps.map((s) => s.version)])).toEqual(
      dbs.map((_, i) => [`tenant-${i + 1}`, 'ok', i === 4 ? [3, 4] : []]),
    );
    expect(await appliedVersions(dbs[4]!.url)).toEqual([1, 2, 3, 4]);
  }, 60_000);

  it('status, current and validate report per target', async () => {
    const current = await cli(project, ['--env', 'tenant-1,tenant-5', 'current']);
    expect(current.code, current.stderr).toBe(0);
    expect(current.stdout).toMatch(/^tenant-1\s+ok\s+4 tags$/m);
    expect(current.stdout).toMatch(/^tenant-5\s+ok\s+4 tags$/m);
    const status = await cli(project, ['--env', 'tenant-*', '--format', 'json', 'status']);
    const parsed = JSON.parse(status.stdout) as { targets: Array<{ result: { migrations: Array<{ state: string }> } }> };
    expect(parsed.targets).toHaveLength(8);
    for (const target of parsed.targets) expect(target.result.migrations.map((m) => m.state)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const validate = await cli(project, ['--env', 'tenant-*', 'validate', '--concurrency', '8']);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('8 ok, 0 failed');
    // verify: the round trip in a temporary database on each target's server.
    const verify = await cli(project, ['--env', 'tenant-2,tenant-3', '--format', 'json', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
    const verified = JSON.parse(verify.stdout) as { targets: Array<{ target: string; status: string; result: { ok: boolean } }> };
    expect(verified.targets.map((t) => [t.target, t.status, t.result.ok])).toEqual([
      ['tenant-2', 'ok', true],
      ['tenant-3', 'ok', true],
    ]);
  }, 60_000);
});

describe('the default policy: no new target after the first failure', () => {
  const dbs: FreshDatabase[] = [];
  let project: Project;

  beforeAll(async () => {
    for (let i = 0; i < 4; i++) dbs.push(await freshDatabase());
    await withConnection(dbs[0]!.url, (sql) => sql.unsafe("CREATE TYPE mood AS ENUM ('meh')"));
    project = await createProject({ config: { targets: { urls: dbs.map((db) => db.url) } } });
    await writeMigrations(project, 0);
  }, 60_000);
  afterAll(async () => {
    await project?.cleanup();
    for (const db of dbs) await db.drop();
  });

  it('skips the targets not yet started, exit 1', async () => {
    const result = await cli(project, ['up', '--concurrency', '1']);
    expect(result.code, result.stderr).toBe(1);
    expect(await appliedVersions(dbs[0]!.url)).toEqual([1, 2]);
    for (const db of dbs.slice(1)) expect(await appliedVersions(db.url)).toEqual([]);
    expect(result.stdout).toContain('0 ok, 1 failed, 3 skipped');
    expect(result.stdout).toMatch(new RegExp(`${dbs[1]!.name}\\s+skipped\\s+not started`));
  }, 60_000);

  it('migrateMany(): a result per target, and events with the target', async () => {
    const seen = new Set<string>();
    const result = await migrateMany({ cwd: project.dir, env: {}, continueOnError: true, concurrency: 2, onEvent: (event, target) => event.type === 'finished' && seen.add(target) });
    expect(result.ok).toBe(false);
    expect(result.targets.map((t) => t.status)).toEqual(['failed', 'ok', 'ok', 'ok']);
    expect(result.targets[0]!.error?.message).toContain('type "mood" already exists');
    expect(result.targets[1]!.result?.steps.map((s) => s.version)).toEqual([1, 2, 3, 4]);
    expect(seen.size).toBe(3);
    for (const db of dbs.slice(1)) expect(await appliedVersions(db.url)).toEqual([1, 2, 3, 4]);
  }, 60_000);

  it('--url picks one database over targets.urls; up/down --format json on one database', async () => {
    const result = await cli(project, ['--url', dbs[1]!.url, '--format', 'json', 'down', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { direction: string; steps: Array<{ version: number; direction: string; file: string }>; current: number };
    expect(report.direction).toBe('down');
    expect(report.steps.map((step) => [step.version, step.direction, step.file])).toEqual([[4, 'down', 'sql/0004_tags.down.sql']]);
    expect(report.current).toBe(3);
    expect(await appliedVersions(dbs[1]!.url)).toEqual([1, 2, 3]);
    expect(await appliedVersions(dbs[2]!.url)).toEqual([1, 2, 3, 4]);
  }, 60_000);
});

describe('schema-per-tenant: 20 schemas from a control-database query', () => {
  let db: FreshDatabase;
  let project: Project;
  const schemas = Array.from({ length: 20 }, (_, i) => `tenant_${String(i + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    db = await freshDatabase();
    await withConnection(db.url, async (sql) => {
      await sql.unsafe('CREATE TABLE tenants (schema_name text PRIMARY KEY)');
      for (const schema of schemas) await sql`INSERT INTO tenants VALUES (${schema})`;
    });
    project = await createProject({ config: { databaseUrl: db.url, targets: { query: 'SELECT schema_name AS schema FROM tenants ORDER BY 1' } } });
    await writeMigrations(project, 0);
  }, 60_000);
  afterAll(async () => {
    await project?.cleanup();
    await db?.drop();
  });

  it('applies the folder once per schema, with search_path and the tracking table in that schema', async () => {
    const result = await cli(project, ['up', '--concurrency', '4']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('20 ok, 0 failed');
    for (const schema of schemas) expect(await appliedVersions(db.url, `${schema}.sqlmig_migrations`), schema).toEqual([1, 2, 3, 4]);
    const tables = await withConnection(db.url, (sql) => sql`SELECT table_schema, count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('accounts', 'notes', 'tags') GROUP BY 1 ORDER BY 1`);
    expect(tables.map((row) => [row.table_schema, row.n])).toEqual(schemas.map((schema) => [schema, 3]));
    const types = await withConnection(db.url, (sql) => sql`SELECT count(*)::int AS n FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'mood' AND n.nspname LIKE 'tenant_%'`);
    expect(types[0]!.n).toBe(20);
    const sql = await cli(project, ['down', '--sql', '--concurrency', '2']);
    expect(sql.stdout).toContain('SET LOCAL search_path TO "tenant_07";');
  }, 120_000);
});

describe('database targets from a control-database query: passwords redacted per target', () => {
  const PASSWORD = `Tn-${Math.random().toString(36).slice(2, 10)}`;
  let control: FreshDatabase;
  const tenants: FreshDatabase[] = [];
  let project: Project;
  let role: string;

  beforeAll(async () => {
    control = await freshDatabase();
    for (let i = 0; i < 3; i++) tenants.push(await freshDatabase());
    role = `sqlmig_tenant_${Math.random().toString(36).slice(2, 8)}`;
    const withPassword = (url: string) => {
      const parsed = new URL(url);
      parsed.username = role;
      parsed.password = PASSWORD;
      return parsed.toString();
    };
    await withConnection(control.url, async (sql) => {
      await sql.unsafe(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`);
      await sql.unsafe('CREATE TABLE tenants (name text, url text NOT NULL)');
      for (const [i, tenant] of tenants.entries()) {
        await sql.unsafe(`ALTER DATABASE ${tenant.name} OWNER TO ${role}`);
        await sql`INSERT INTO tenants VALUES (${i === 0 ? null : `acme-${i}`}, ${withPassword(tenant.url)})`;
      }
      const missing = new URL(withPassword(control.url));
      missing.pathname = '/no_such_tenant_db';
      await sql`INSERT INTO tenants VALUES ('ghost', ${missing.toString()})`;
    });
    project = await createProject({ config: { targets: { url: '${CONTROL_URL}', query: 'SELECT name, url FROM tenants ORDER BY name NULLS FIRST' } } });
    await writeMigrations(project, 0);
  }, 60_000);
  afterAll(async () => {
    await project?.cleanup();
    for (const db of [...tenants, control]) await db?.drop();
    await withConnection(process.env.SQLMIG_TEST_DATABASE_URL ?? control.url, (sql) => sql.unsafe(`DROP ROLE IF EXISTS ${role}`)).catch(() => undefined);
  });

  it('runs on every URL the query returns; a URL without name is shown redacted; the unreachable one is exit 2', async () => {
    for (const args of [['up', '--continue-on-error'], ['--format', 'json', 'status', '--continue-on-error'], ['--verbose', 'current', '--continue-on-error']]) {
      const result = await cli(project, args, { CONTROL_URL: control.url });
      const all = result.stdout + result.stderr;
      expect(all, args.join(' ')).not.toContain(PASSWORD);
      expect(result.code, args.join(' ')).toBe(2);
      expect(all).toContain(`postgres://${role}:***@`);
      expect(all).toMatch(/database \\?"no_such_tenant_db\\?" does not exist/);
    }
    for (const tenant of tenants) expect(await appliedVersions(tenant.url)).toEqual([1, 2, 3, 4]);
  }, 60_000);
});

describe('choosing targets', () => {
  let project: Project;
  beforeAll(async () => {
    project = await createProject({ config: { environments: { 'tenant-a': { databaseUrl: 'postgres://u@127.0.0.1:1/a' } } } });
  });
  afterAll(async () => project?.cleanup());

  it('a glob matching no environment is a config error (exit 2)', async () => {
    const result = await cli(project, ['--env', 'tenat-*', 'status']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--env tenat-* matches no entry of "environments"');
    expect(result.stderr).toContain('environments defined: tenant-a');
  });

  it('a command that runs on one database refuses several environments (exit 2)', async () => {
    const result = await cli(project, ['--env', 'tenant-a,tenant-b', 'history']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--env tenant-a,tenant-b names several environments, and this command runs on one database');
  });

  it('--concurrency must be a positive whole number (exit 2)', async () => {
    const result = await cli(project, ['--env', 'tenant-*', 'status', '--concurrency', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--concurrency expects a positive whole number, got "0"');
  });
});

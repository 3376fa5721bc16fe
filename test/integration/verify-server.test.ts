import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../../src/verify/verify.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';

/** verify --url: a temporary database on the server, gone afterwards whatever happened. */
describe('sqlmig verify --url <server>', () => {
  // The test database's server; verify connects to its database to create and drop the temporary one.
  let server: FreshDatabase;
  const projects: Project[] = [];
  const open = async (fixture: string) => {
    const project = await createProject({ fixture: `../verify/${fixture}` });
    projects.push(project);
    return project;
  };

  beforeAll(async () => {
    server = await freshDatabase();
  });
  afterAll(async () => {
    await Promise.all(projects.map((project) => project.cleanup()));
    await server?.drop();
  });

  const databaseExists = (name: string) =>
    withConnection(server.url, async (sql) => (await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`).length > 0);

  /** Runs verify --format json and returns the report and the temporary database's name. */
  async function verifyJson(project: Project) {
    const result = await cli(project, ['--url', server.url, 'verify', '--format', 'json']);
    const report = JSON.parse(result.stdout) as { ok: boolean; database: string; migrations: Array<{ status: string }> };
    const name = new URL(report.database).pathname.slice(1);
    return { code: result.code, report, name };
  }

  it("passes the repository's sql/ and drops its temporary database", async () => {
    const project = await createProject();
    projects.push(project);
    await cp(fileURLToPath(new URL('../../sql/', import.meta.url)), project.sqlDir, { recursive: true });
    const { code, report, name } = await verifyJson(project);
    expect(report.migrations.map((m) => m.status)).toEqual(['verified', 'verified', 'verified', 'verified', 'verified']);
    expect(code).toBe(0);
    expect(name).toMatch(/^sqlmig_verify_[0-9a-f]{12}$/);
    expect(await databaseExists(name)).toBe(false);
  });

  it('drops it too when a migration fails to apply', async () => {
    const { code, report, name } = await verifyJson(await open('fails-to-apply'));
    expect(code).toBe(1);
    expect(report.migrations.map((m) => m.status)).toEqual(['verified', 'failed', 'not-run']);
    expect(await databaseExists(name)).toBe(false);
  });

  it('finds the same non-reverting down as PGlite does', async () => {
    const result = await cli(await open('forgets-column-and-index'), ['--url', server.url, 'verify']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('    left behind: column public.users.nickname\n    left behind: index public.idx_users_nickname\n');
  });

  it('names the server when it cannot create the temporary database', async () => {
    const project = await open('no-down');
    const unknown = new URL(server.url);
    unknown.pathname = '/no_such_database_here';
    const result = await cli(project, ['--url', unknown.toString(), 'verify']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no_such_database_here');
  });

  it('library: aborting the signal drops it at once and rejects with the reason', async () => {
    const project = await open('no-down');
    await project.write('0004_slow.up.sql', 'SELECT pg_sleep(60) AS verify_library_abort;\n');
    await project.write('0004_slow.down.sql', 'SELECT 1;\n');
    const controller = new AbortController();
    const running = verify({ cwd: project.dir, env: {}, url: server.url, signal: controller.signal });
    running.catch(() => undefined);
    const name = await waitFor(() =>
      withConnection(server.url, async (sql) => {
        const [row] = await sql<Array<{ datname: string }>>`SELECT datname FROM pg_stat_activity WHERE query LIKE '%verify_library_abort%' AND datname LIKE 'sqlmig_verify_%'`;
        return row?.datname;
      }),
    );
    controller.abort(new Error('stop now'));
    await expect(running).rejects.toThrow('stop now');
    expect(await databaseExists(name)).toBe(false);
  });

  const bin = fileURLToPath(new URL('../../dist/cli/sqlmig.cjs', import.meta.url));

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('drops it on %s while a migration runs, then exits %i', async (signal, exitCode) => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: build first with \`npx tsc -p .\` (npm test does)`);
    const project = await open('no-down');
    const marker = `verify_signal_${signal.toLowerCase()}`;
    await project.write('0004_slow.up.sql', `SELECT pg_sleep(60) AS ${marker};\n`);
    await project.write('0004_slow.down.sql', 'SELECT 1;\n');
    const child = spawn(process.execPath, [bin, '--url', server.url, 'verify'], { cwd: project.dir, env: { PATH: process.env.PATH } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

    let name: string;
    try {
      name = await waitFor(() =>
        withConnection(server.url, async (sql) => {
          const [row] = await sql<Array<{ datname: string }>>`SELECT datname FROM pg_stat_activity WHERE query LIKE ${`%${marker}%`} AND datname LIKE 'sqlmig_verify_%'`;
          return row?.datname;
        }),
      );
    } finally {
      // Also when the wait failed: a signal is what makes it drop its database.
      child.kill(signal);
    }
    expect(await exited).toBe(exitCode);
    expect(stderr).toContain(`interrupted (${signal}): the throwaway database was dropped`);
    expect(await databaseExists(name)).toBe(false);
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

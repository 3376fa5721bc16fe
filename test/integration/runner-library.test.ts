import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrate, PlanRefusedError, status, type RunEvent } from '../../src/index.js';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';

describe('library API: migrate() and status()', () => {
  let db: FreshDatabase;
  let project: Project;

  beforeAll(async () => {
    db = await freshDatabase();
    // Mixed-case names only work quoted: the tracking table must be created and found under exactly these names.
    project = await createProject({ fixture: 'shop', config: { schema: 'OpsSchema', table: 'Mig$rations' } });
  });
  afterAll(async () => {
    await project?.cleanup();
    await db?.drop();
  });

  it('applies, reports events, returns results, and prints nothing', async () => {
    const write = vi.spyOn(process.stdout, 'write');
    const writeErr = vi.spyOn(process.stderr, 'write');
    const events: RunEvent[] = [];
    try {
      const result = await migrate({ cwd: project.dir, url: db.url, env: {}, to: 2, onEvent: (event) => events.push(event) });
      expect(result).toMatchObject({ direction: 'up', dryRun: false, current: 2 });
      expect(result.results.map((r) => r.step.version)).toEqual([1, 2]);
      expect(result.results.every((r) => r.durationMs >= 0)).toBe(true);
      expect(events.map((e) => `${e.type}${'step' in e ? ` ${e.step.version}` : ''}`)).toEqual(['started 1', 'finished 1', 'started 2', 'finished 2']);
      expect(write).not.toHaveBeenCalled();
      expect(writeErr).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
      writeErr.mockRestore();
    }
    const rows = await withConnection(db.url, (sql) => sql.unsafe('SELECT version::int AS v FROM "OpsSchema"."Mig$rations" ORDER BY 1'));
    expect(rows.map((r) => r.v)).toEqual([1, 2]);
  });

  it('status() returns typed rows', async () => {
    const rows = await status({ cwd: project.dir, url: db.url, env: {} });
    expect(rows.map((r) => [r.version, r.name, r.state])).toEqual([
      [1, 'create_users', 'applied'],
      [2, 'create_orders', 'applied'],
      [3, 'add_status_to_orders', 'pending'],
    ]);
    expect(rows[0]!.appliedAt).toBeInstanceOf(Date);
    expect(rows[2]!.appliedAt).toBeNull();
  });

  it('dry runs return the plan and the SQL, applying nothing', async () => {
    const result = await migrate({ cwd: project.dir, url: db.url, env: {}, dryRun: true });
    expect(result.steps.map((s) => s.version)).toEqual([3]);
    expect(result.results).toEqual([]);
    expect(result.sql).toContain('INSERT INTO "OpsSchema"."Mig$rations"');
    expect((await status({ cwd: project.dir, url: db.url, env: {} })).at(-1)!.state).toBe('pending');
  });

  it('refusals are thrown with every reason attached', async () => {
    await project.write('0001_create_users.up.sql', 'CREATE TABLE IF NOT EXISTS users (id int);\n');
    const error = await migrate({ cwd: project.dir, url: db.url, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanRefusedError);
    expect((error as PlanRefusedError).exitCode).toBe(1);
    expect((error as PlanRefusedError).refusals.map((r) => r.kind)).toEqual(['edited']);
  });

  it('--quiet keeps only the summary on stdout', async () => {
    await project.write('0001_create_users.up.sql', 'CREATE TABLE IF NOT EXISTS users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  email text NOT NULL UNIQUE\n);\n');
    const result = await cli(project, ['--quiet', '--url', db.url, 'up']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^Applied 1 migration in .*; now at version 3\.$/)]);
  });
});

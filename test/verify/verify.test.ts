import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { migrationLines, summaryLines } from '../../src/verify/report.js';
import { verify, type VerifyEvent, type VerifyResult } from '../../src/verify/verify.js';

/** A project with the migrations of test/fixtures/verify/<name>. */
function fixtureProject(name: string): Promise<Project> {
  return createProject({ fixture: `../verify/${name}` });
}

function lines(result: VerifyResult, project: Project): string[] {
  return result.migrations.flatMap((m) => migrationLines(m, { color: false, cwd: project.dir }));
}

describe('verify in PGlite (the default)', () => {
  const projects: Project[] = [];
  const open = async (name: string) => {
    const project = await fixtureProject(name);
    projects.push(project);
    return project;
  };
  afterAll(async () => {
    await Promise.all(projects.map((project) => project.cleanup()));
  });

  it("passes the repository's own sql/, including the no-transaction trigram index", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sqlmig-verify-repo-'));
    try {
      await cp(fileURLToPath(new URL('../../sql/', import.meta.url)), join(dir, 'sql'), { recursive: true });
      const events: VerifyEvent[] = [];
      const result = await verify({ cwd: dir, env: {}, onEvent: (event) => events.push(event) });
      expect(result.ok).toBe(true);
      expect(result.database).toBe('PGlite in memory');
      expect(result.migrations.map((m) => [m.version, m.status])).toEqual([
        [1, 'verified'],
        [2, 'verified'],
        [3, 'verified'],
        [4, 'verified'],
        [5, 'verified'],
      ]);
      expect(events.filter((event) => event.type === 'migration')).toHaveLength(5);
      expect(summaryLines(result)[0]).toMatch(/^Verified 5 migrations in .* \(PGlite in memory\): every down file reverts its up file\.$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails a down that forgets a column and an index, naming both, and goes on from the state it left', async () => {
    const project = await open('forgets-column-and-index');
    const result = await verify({ cwd: project.dir, env: {} });
    expect(result.ok).toBe(false);
    expect(result.stopped).toBeNull();
    expect(result.migrations.map((m) => m.status)).toEqual(['verified', 'failed', 'verified']);
    const shown = lines(result, project);
    expect(shown[1]).toMatch(/^✘ 0002_add_nickname_and_bio {2}down does not revert up {2}\d+ ms$/);
    expect(shown.slice(2, 4)).toEqual(['    left behind: column public.users.nickname', '    left behind: index public.idx_users_nickname']);
    expect(shown).toHaveLength(5);
    expect(summaryLines(result)[0]).toMatch(/^Verification failed for 1 of 3 migrations \(0002\)/);
  });

  it('fails a down that drops an object of an earlier migration, and stops when up cannot run again', async () => {
    const project = await open('drops-too-much');
    const result = await verify({ cwd: project.dir, env: {} });
    expect(result.ok).toBe(false);
    const [, posts, tags] = result.migrations;
    expect(posts!.afterDown.map((change) => `${change.type} ${change.object.kind} ${change.object.name}`)).toEqual(['removed table public.users']);
    expect(posts!.failure?.phase).toBe('up again');
    expect(posts!.failure?.error.message).toContain('relation "users" does not exist');
    expect(tags!.status).toBe('not-run');
    expect(result.stopped).toBe('0002_create_posts could not be applied again after its down, so the migrations after it were not run');
    const shown = lines(result, project);
    expect(shown).toContain('    missing: table public.users');
    expect(shown).toContainEqual(expect.stringMatching(/^ {4}up again failed: sql\/0002_create_posts\.up\.sql(:\d+:\d+)?: relation "users" does not exist \(SQLSTATE 42P01\)$/));
    expect(shown.at(-1)).toBe('· 0003_create_tags  not run');
  });

  it('reports a migration without a down file as not verifiable, and fails the run (it could not be checked)', async () => {
    const project = await open('no-down');
    const result = await verify({ cwd: project.dir, env: {} });
    expect(result.ok).toBe(false);
    expect(result.migrations.map((m) => m.status)).toEqual(['verified', 'not-verifiable', 'verified']);
    expect(summaryLines(result)[0]).toMatch(
      /^Verified 2 of 3 migrations in .*\. 1 migration without a down file could not be verified \(add one; lint's require-down lists them\): 0002\.$/,
    );
  });

  it('a down that fails in its transaction: verify goes on, and the message does not claim that nothing later ran', async () => {
    const project = await createProject();
    projects.push(project);
    await project.write('0001_a.up.sql', 'CREATE TABLE a (id int);\n');
    await project.write('0001_a.down.sql', 'DROP TABLE a;\nSELECT 1 / 0;\n');
    await project.write('0002_b.up.sql', 'CREATE TABLE b (id int);\n');
    await project.write('0002_b.down.sql', 'DROP TABLE b;\n');
    const result = await verify({ cwd: project.dir, env: {} });
    expect(result.ok).toBe(false);
    expect(result.migrations.map((m) => m.status)).toEqual(['failed', 'verified']);
    const failure = result.migrations[0]!.failure!;
    expect(failure.phase).toBe('down');
    expect(failure.error.message).toContain('0001_a.down.sql was rolled back: none of it was applied');
    expect(failure.error.message).not.toContain('no later migration ran');
    expect(result.stopped).toBeNull();
  });

  it('reports a file that fails to apply with file:line:column and runs nothing after it', async () => {
    const project = await open('fails-to-apply');
    const result = await verify({ cwd: project.dir, env: {} });
    expect(result.ok).toBe(false);
    expect(result.migrations.map((m) => m.status)).toEqual(['verified', 'failed', 'not-run']);
    expect(result.migrations[1]!.failure?.error.location).toMatchObject({ file: join(project.sqlDir, '0002_add_posts.up.sql'), line: 3, column: 11 });
    expect(result.stopped).toBe('0002_add_posts failed to apply, so the migrations after it were not run');
  });

  it('limits the run with --to', async () => {
    const project = await open('forgets-column-and-index');
    const result = await verify({ cwd: project.dir, env: {}, to: 1 });
    expect(result.ok).toBe(true);
    expect(result.migrations.map((m) => m.version)).toEqual([1]);
  });

  it('refuses a --url naming an embedded database folder', async () => {
    const project = await open('no-down');
    await expect(verify({ cwd: project.dir, env: {}, url: 'pglite://./kept' })).rejects.toThrow(/verify runs in a throwaway database/);
  });
});

describe('sqlmig verify (CLI)', () => {
  let project: Project;
  beforeAll(async () => {
    project = await fixtureProject('forgets-column-and-index');
  });
  afterAll(async () => {
    await project.cleanup();
  });

  it('prints a line per migration and exits 1 when a down does not revert', async () => {
    const result = await cli(project, ['verify']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^✔ 0001_create_users {2}up\/down\/up {2}\d+ ms\n✘ 0002_add_nickname_and_bio {2}down does not revert up/);
    expect(result.stdout).toContain('    left behind: column public.users.nickname\n    left behind: index public.idx_users_nickname\n');
  });

  it('prints one JSON object with --format json', async () => {
    const result = await cli(project, ['verify', '--format', 'json', '--to', '0002']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; migrations: Array<{ status: string; differences: Array<Record<string, unknown>> }> };
    expect(report.ok).toBe(false);
    expect(report.migrations.map((m) => m.status)).toEqual(['verified', 'failed']);
    expect(report.migrations[1]!.differences).toEqual([
      { after: 'down', change: 'added', kind: 'column', name: 'public.users.nickname', property: null, expected: null, actual: null, message: 'left behind: column public.users.nickname' },
      { after: 'down', change: 'added', kind: 'index', name: 'public.idx_users_nickname', property: null, expected: null, actual: null, message: 'left behind: index public.idx_users_nickname' },
    ]);
  });

  it('exits 1 when a migration cannot be verified (no down file)', async () => {
    const noDown = await fixtureProject('no-down');
    try {
      const result = await cli(noDown, ['verify']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('–');
      expect(result.stdout).toMatch(/0002_\w+ {2}not verifiable: no down file/);
      expect(result.stdout).toContain('1 migration without a down file could not be verified');
    } finally {
      await noDown.cleanup();
    }
  });

  it('exits 0 on migrations whose downs revert their ups', async () => {
    const result = await cli(project, ['verify', '--to', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Verified 1 migration in .*: every down file reverts its up file\./);
  });
});

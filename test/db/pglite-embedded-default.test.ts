import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, createProject, spawnCli, type Project } from '../fixtures/runner/project.js';

/** The quick start: no connection configured anywhere, the repository's own sql/ and .migraterc.json. */
async function quickStartProject(): Promise<Project> {
  const project = await createProject();
  await cp(fileURLToPath(new URL('../../sql/', import.meta.url)), project.sqlDir, { recursive: true });
  await cp(fileURLToPath(new URL('../../.migraterc.json', import.meta.url)), join(project.dir, '.migraterc.json'));
  return project;
}

const ANNOUNCEMENT = 'using the embedded database';

describe('the embedded default database (.sqlmig/pglite)', () => {
  let inProcess: Project;
  let spawned: Project;
  let concurrent: Project;
  beforeAll(async () => {
    [inProcess, spawned, concurrent] = await Promise.all([quickStartProject(), quickStartProject(), quickStartProject()]);
  });
  afterAll(async () => {
    await Promise.all([inProcess?.cleanup(), spawned?.cleanup(), concurrent?.cleanup()]);
  });

  it('`up` then `status` in one process: applied, announced once per command on stderr', async () => {
    const up = await cli(inProcess, ['up']);
    expect(up.stderr.split(ANNOUNCEMENT)).toHaveLength(2);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('Applied 5 migrations');
    expect(existsSync(join(inProcess.dir, '.sqlmig', 'pglite', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(inProcess.dir, '.sqlmig', 'pglite.lock'))).toBe(false);

    const status = await cli(inProcess, ['status', '--format', 'json']);
    expect(status.code).toBe(0);
    const { migrations } = JSON.parse(status.stdout) as { migrations: Array<{ version: number; state: string }> };
    expect(migrations.map((m) => `${m.version} ${m.state}`)).toEqual(['1 applied', '2 applied', '3 applied', '4 applied', '5 applied']);
  });

  it('`up` then `status` as separate processes: the data survives between them', async () => {
    const up = await spawnCli(spawned, ['up']);
    expect(up.stderr).toContain(`${ANNOUNCEMENT} in ./.sqlmig/pglite`);
    expect(up.code).toBe(0);
    const status = await spawnCli(spawned, ['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/0005 +index_posts_title_trgm +applied/);
    const again = await spawnCli(spawned, ['up']);
    expect(again.stdout).toContain('Nothing to do: the database is up to date (version 5).');
  });

  it('two `up` processes at once: the second waits for the folder, then finds nothing to do', async () => {
    const [first, second] = await Promise.all([spawnCli(concurrent, ['up', '--wait', '60']), spawnCli(concurrent, ['up', '--wait', '60'])]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const outputs = [first.stdout, second.stdout];
    expect(outputs.filter((out) => out.includes('Applied 5 migrations'))).toHaveLength(1);
    expect(outputs.filter((out) => out.includes('Nothing to do'))).toHaveLength(1);
    expect(first.stderr + second.stderr).toMatch(/waiting for the database: the embedded database .*pglite is in use by process \d+/);
  });
});

/**
 * The runner reuses checksums from .sqlmig/cache only for files whose stats
 * prove them unchanged: an edited applied migration is still refused, and
 * --no-cache reads every file. Files written moments ago are never recorded,
 * so the clock (Date only) runs a minute ahead here.
 */
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';

const USERS_UP = '0001_create_users.up.sql';

describe('runner: checksums reused from .sqlmig/cache', () => {
  let db: FreshDatabase;
  let project: Project;
  const cacheFile = () => join(project.dir, '.sqlmig', 'cache', 'checksums.json');
  const states = async (args: string[] = []) => {
    const result = await cli(project, ['--url', db.url, '--format', 'json', 'status', ...args]);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { migrations: Array<{ state: string }> }).migrations.map((m) => m.state);
  };

  beforeAll(async () => {
    db = await freshDatabase();
    project = await createProject({ fixture: 'shop' });
  });
  afterAll(async () => {
    await project?.cleanup();
    await db?.drop();
  });
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('up records the checksums; a later run trusts them while the files are untouched', async () => {
    const up = await cli(project, ['--url', db.url, 'up', '--no-lint']);
    expect(up.code, up.stderr).toBe(0);
    const stored = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { files: Record<string, unknown[]> };
    expect(Object.keys(stored.files).sort()).toEqual(['0001_create_users.up.sql', '0002_create_orders.up.sql', '0003_add_status_to_orders.up.sql']);

    // A wrong checksum behind unchanged stats is believed (so the cache was used); --no-cache reads the file.
    stored.files[USERS_UP]![4] = '0'.repeat(64);
    writeFileSync(cacheFile(), JSON.stringify(stored));
    expect(await states()).toEqual(['edited', 'applied', 'applied']);
    expect(await states(['--no-cache'])).toEqual(['applied', 'applied', 'applied']);
  });

  it('an applied migration edited in place, same size and mtime, is still refused', async () => {
    const path = join(project.sqlDir, USERS_UP);
    const wholeSecond = Math.floor(Date.now() / 1000) - 3600; // an mtime that can be set again exactly
    utimesSync(path, wholeSecond, wholeSecond);
    rmSync(cacheFile());
    expect(await states()).toEqual(['applied', 'applied', 'applied']); // records every file again
    const original = readFileSync(path, 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 30)); // past the file system's timestamp tick
    writeFileSync(path, original.replace('users', 'USERS'));
    utimesSync(path, wholeSecond, wholeSecond);
    expect(statSync(path).mtimeMs).toBe(wholeSecond * 1000);

    const up = await cli(project, ['--url', db.url, 'up', '--no-lint']);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(`sql/${USERS_UP}: applied migration 1 was edited`);
  });
});

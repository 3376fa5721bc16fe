import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { fakeIO } from '../helpers/io.js';
import { tempProject } from './helpers.js';

const UP = 'CREATE TABLE IF NOT EXISTS a (id int);\n';
const DOWN = 'DROP TABLE IF EXISTS a;\n';

/** Every path under `root` whose permission bits give anything to group or others. */
function notPrivate(root: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const stat = statSync(path);
    if ((stat.mode & 0o077) !== 0) found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return found;
}

describe('.sqlmig/', () => {
  it('without a config file goes beside the --dir folder, not into the working directory', async () => {
    const cwd = tempProject({ 'db/migrations/0001_a.up.sql': UP, 'db/migrations/0001_a.down.sql': DOWN });
    mkdirSync(join(cwd, 'elsewhere'));
    const io = fakeIO({ cwd: join(cwd, 'elsewhere') });
    expect(await run(['lint', '--dir', '../db/migrations'], io), io.stderrText()).toBe(0);
    expect(existsSync(join(cwd, 'db', '.sqlmig', 'cache'))).toBe(true);
    expect(existsSync(join(cwd, 'elsewhere', '.sqlmig'))).toBe(false);
  });

  it('beside the config file when there is one, whatever --dir says', async () => {
    const cwd = tempProject({ '.migraterc.json': '{}', 'other/0001_a.up.sql': UP, 'other/0001_a.down.sql': DOWN });
    expect(await run(['lint', '--dir', 'other'], fakeIO({ cwd }))).toBe(0);
    expect(existsSync(join(cwd, '.sqlmig', 'cache'))).toBe(true);
    expect(existsSync(join(cwd, 'other', '.sqlmig'))).toBe(false);
  });

  it('is created owner-only: folders 0700, files 0600, the embedded database and the caches alike', { timeout: 180_000 }, async () => {
    const cwd = tempProject({ 'sql/0001_a.up.sql': UP, 'sql/0001_a.down.sql': DOWN });
    writeFileSync(join(cwd, '.migraterc.json'), '{"databaseUrl": "pglite://.sqlmig/pglite"}');
    const io = fakeIO({ cwd });
    expect(await run(['up'], io), io.stderrText()).toBe(0);
    expect(await run(['lint'], fakeIO({ cwd }))).toBe(0);
    expect(existsSync(join(cwd, '.sqlmig', 'pglite', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(cwd, '.sqlmig', 'cache'))).toBe(true);
    expect(notPrivate(join(cwd, '.sqlmig'))).toEqual([]);
  });
});

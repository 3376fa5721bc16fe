import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { loadConfig } from '../../src/config/index.js';
import { fakeIO } from '../helpers/io.js';
import { tempProject } from './helpers.js';

describe('config search stops at the project boundary', () => {
  it('does not take a config from above the git root', async () => {
    const outer = tempProject({ '.migraterc.json': '{"dir": "victim-sql"}', 'repo/.git/HEAD': 'ref: refs/heads/main\n' });
    const cwd = join(outer, 'repo', 'src');
    mkdirSync(cwd, { recursive: true });
    const config = await loadConfig({ cwd, env: {} });
    expect(config.configFile).toBeNull();
    expect(config.dir).toBe(join(cwd, 'sql'));
  });

  it('does not take a config from above the nearest package.json', async () => {
    const outer = tempProject({ '.migraterc.json': '{}', 'app/package.json': '{}' });
    mkdirSync(join(outer, 'app', 'lib'));
    expect((await loadConfig({ cwd: join(outer, 'app', 'lib'), env: {} })).configFile).toBeNull();
  });

  it('finds the config at the boundary itself, and below it', async () => {
    const outer = tempProject({ 'repo/.git/HEAD': '', 'repo/.migraterc.json': '{}', 'repo/pkg/package.json': '{}', 'repo/pkg/.migraterc.json': '{}' });
    mkdirSync(join(outer, 'repo', 'a', 'b'), { recursive: true });
    expect((await loadConfig({ cwd: join(outer, 'repo', 'a', 'b'), env: {} })).configFile).toBe(join(outer, 'repo', '.migraterc.json'));
    expect((await loadConfig({ cwd: join(outer, 'repo', 'pkg'), env: {} })).configFile).toBe(join(outer, 'repo', 'pkg', '.migraterc.json'));
  });
});

describe('which config and which database a run used', () => {
  it('is printed on stderr, the password redacted, also with --quiet for a command that changes a database', async () => {
    const cwd = tempProject({ '.migraterc.json': '{}', 'sql/.keep': '' });
    const env = { DATABASE_URL: 'postgres://app:Sup3rS3cret@127.0.0.1:1/appdb' };
    const up = fakeIO({ cwd, env });
    expect(await run(['up', '-q', '--wait', '0'], up)).toBe(2);
    expect(up.stderrText()).toContain('config: ./.migraterc.json; database: postgres://app:***@127.0.0.1:1/appdb (from DATABASE_URL)');
    const status = fakeIO({ cwd, env });
    await run(['status', '--wait', '0'], status);
    expect(status.stderrText()).toContain('config: ./.migraterc.json; database: postgres://app:***@127.0.0.1:1/appdb (from DATABASE_URL)');
    const quietStatus = fakeIO({ cwd, env });
    await run(['status', '-q', '--wait', '0'], quietStatus);
    expect(quietStatus.stderrText()).not.toContain('config:');
    expect(up.stderrText() + status.stderrText()).not.toContain('Sup3rS3cret');
  });
});

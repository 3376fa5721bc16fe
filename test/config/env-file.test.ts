import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, resolveConnection } from '../../src/config/index.js';
import { createProject, spawnCli, type Project } from '../fixtures/runner/project.js';
import { errorOf, tempProject } from './helpers.js';

describe('.env beside the config file', () => {
  it('supplies variables for ${VAR} and the connection; variables already set win', async () => {
    const root = tempProject({
      '.migraterc.json': '{"databaseUrl": "${APP_DB}"}',
      '.env': '# comment\nAPP_DB=postgres://app:pw@from-dotenv/db\nPGPASSWORD="quoted secret"\n',
    });
    const cwd = join(root, 'deep/er');
    mkdirSync(cwd, { recursive: true });
    const config = await loadConfig({ cwd, env: {} });
    expect(config.envFile?.path).toBe(join(root, '.env'));
    const connection = resolveConnection(config, { env: {} });
    expect(connection.url).toBe('postgres://app:pw@from-dotenv/db');
    expect(connection.secrets).toContain('quoted secret');
    const overridden = await loadConfig({ cwd, env: { APP_DB: 'postgres://from-env/db' } });
    expect(resolveConnection(overridden, { env: { APP_DB: 'postgres://from-env/db' } }).url).toBe('postgres://from-env/db');
  });

  it('DATABASE_URL from .env is a connection source of its own', async () => {
    const root = tempProject({ '.migraterc.json': '{}', '.env': 'DATABASE_URL=postgres://h/fromfile\n' });
    expect(resolveConnection(await loadConfig({ cwd: root, env: {} }), { env: {} })).toMatchObject({ source: 'DATABASE_URL', url: 'postgres://h/fromfile' });
  });

  it('--env-file names another file (relative to cwd); a missing one is a config error', async () => {
    const root = tempProject({ '.migraterc.json': '{"databaseUrl": "${APP_DB}"}', '.env': 'APP_DB=postgres://h/dotenv\n', 'ci.env': 'APP_DB=postgres://h/ci\n' });
    expect(resolveConnection(await loadConfig({ cwd: root, env: {}, envFile: 'ci.env' }), { env: {} }).url).toBe('postgres://h/ci');
    const error = await errorOf(() => loadConfig({ cwd: root, env: {}, envFile: 'nope.env' }));
    expect(error).toMatchObject({ code: 'ENV_FILE_NOT_FOUND', exitCode: 2 });
  });
});

describe('sqlmig --env-file, spawned', () => {
  let project: Project | undefined;
  afterEach(async () => project?.cleanup());

  // Node 20 also reads an --env-file that follows the script's name (and then leaves it in argv): the option must
  // still reach sqlmig, with the same meaning (set variables win).
  it('reaches sqlmig before and after the command name', async () => {
    project = await createProject({ config: { databaseUrl: '${APP_DB}' } });
    writeFileSync(join(project.dir, 'other.env'), 'APP_DB=postgres://127.0.0.1:1/db_from_env_file\n');
    for (const args of [['--env-file', 'other.env', 'status'], ['status', '--env-file', 'other.env']]) {
      const result = await spawnCli(project, args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('db_from_env_file');
    }
    const setWins = await spawnCli(project, ['--env-file', 'other.env', 'status'], { APP_DB: 'postgres://127.0.0.1:1/db_from_environment' });
    expect(setWins.stderr).toContain('db_from_environment');
    // Node 20 itself refuses a missing file before sqlmig starts (`node: missing.env: not found`, exit 9); later Node
    // versions leave it to sqlmig (exit 2). Either way the run stops and names the file.
    const missing = await spawnCli(project, ['--env-file', 'missing.env', 'status']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('missing.env');
  });
});

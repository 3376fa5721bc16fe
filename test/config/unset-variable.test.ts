import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { loadConfig, resolveConnection } from '../../src/config/index.js';
import { fakeIO } from '../helpers/io.js';
import { errorOf, tempProject } from './helpers.js';

const CONFIG = '{\n  "dir": "sql",\n  "databaseUrl": "${DATABASE_URL}",\n  "environments": { "prod": { "databaseUrl": "postgres://app:${PROD_PASSWORD}@db/app" } }\n}\n';

describe('a database URL that references an unset variable', () => {
  it('is a configuration error naming the variable and where it is referenced, not the embedded database', async () => {
    const cwd = tempProject({ '.migraterc.json': CONFIG });
    for (const env of [{}, { DATABASE_URL: '' }]) {
      const config = await loadConfig({ cwd, env });
      const error = await errorOf(() => resolveConnection(config, { env }));
      expect(error.code).toBe('CONFIG_UNSET_VARIABLE');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('DATABASE_URL');
      expect(error.location).toEqual({ file: `${cwd}/.migraterc.json`, line: 3, column: 18 });
    }
  });

  it('in the selected environment, even when the rest of the URL is there', async () => {
    const cwd = tempProject({ '.migraterc.json': CONFIG });
    const config = await loadConfig({ cwd, env: {}, environment: 'prod' });
    const error = await errorOf(() => resolveConnection(config, { env: {} }));
    expect(error.code).toBe('CONFIG_UNSET_VARIABLE');
    expect(error.message).toContain('PROD_PASSWORD');
    expect(error.message).toContain('environments.prod.databaseUrl');
    expect(error.location).toMatchObject({ line: 4, column: 46 });
  });

  it('is no error when --url decides, or when a default is given', async () => {
    const cwd = tempProject({ '.migraterc.json': CONFIG });
    expect(resolveConnection(await loadConfig({ cwd, env: {} }), { url: 'postgres://h/db', env: {} }).source).toBe('--url');
    const withDefault = tempProject({ '.migraterc.json': '{"databaseUrl": "${DATABASE_URL:-pglite://.sqlmig/pglite}"}' });
    const resolved = resolveConnection(await loadConfig({ cwd: withDefault, env: {} }), { env: {} });
    expect(resolved).toMatchObject({ source: 'databaseUrl', pglite: { dataDir: `${withDefault}/.sqlmig/pglite` } });
  });

  it('`sqlmig up` exits 2 with file:line:column and the variable, and creates nothing', async () => {
    const cwd = tempProject({ '.migraterc.json': CONFIG, 'sql/0001_a.up.sql': 'CREATE TABLE IF NOT EXISTS a (id int);\n' });
    const io = fakeIO({ cwd, env: {} });
    expect(await run(['up', '-q'], io)).toBe(2);
    expect(io.stderrText()).toContain('.migraterc.json:3:18');
    expect(io.stderrText()).toContain('DATABASE_URL');
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${cwd}/.sqlmig`)).toBe(false);
  });
});

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/cli/format-error.js';
import { configDefaults, loadConfig } from '../../src/config/index.js';
import { readConfigFile } from '../../src/config/read.js';
import { errorOf, tempProject } from './helpers.js';

const BIN = new URL('../../dist/cli/sqlmig.cjs', import.meta.url).pathname;

/** True when no `.migraterc.json` sits in any parent of `dir` (the "no config anywhere" case needs that). */
function noConfigAbove(dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, '.migraterc.json'))) return false;
    if (current === parse(current).root) return true;
  }
}

describe('finding the config file', () => {
  it('uses the defaults when there is no config file anywhere', async () => {
    const cwd = tempProject();
    expect(noConfigAbove(cwd)).toBe(true);
    expect(await loadConfig({ cwd, env: {} })).toEqual({
      configFile: null,
      root: cwd,
      dir: join(cwd, 'sql'),
      dumpSchema: null,
      databaseUrl: null,
      schema: 'public',
      table: 'sqlmig_migrations',
      lockTimeout: '10s',
      lockWait: 60,
      lockRetries: 3,
      connectTimeout: 15,
      runTimeout: 0,
      statementTimeout: null,
      lint: { rules: {}, knownTables: [], statusColumns: ['status', 'state', '*_status', '*_state'], smallTableRows: 10_000 },
      environments: {},
      environment: null,
      unsetVariables: {},
      envFile: null,
    });
  });

  it('searches from the working directory upward; dir is relative to the config file', async () => {
    const root = tempProject({ 'app/.migraterc.json': '{"dir": "db/migrations"}' });
    const cwd = join(root, 'app/src/deep');
    mkdirSync(cwd, { recursive: true });
    const config = await loadConfig({ cwd, env: {} });
    expect(config.configFile).toBe(join(root, 'app/.migraterc.json'));
    expect(config.root).toBe(join(root, 'app'));
    expect(config.dir).toBe(join(root, 'app/db/migrations'));
  });

  it('takes the nearest config file', async () => {
    const root = tempProject({ '.migraterc.json': '{"table": "outer"}', 'inner/.migraterc.json': '{"table": "inner"}' });
    expect((await loadConfig({ cwd: join(root, 'inner'), env: {} })).table).toBe('inner');
  });

  it('--config is relative to the working directory and wins over the search', async () => {
    const root = tempProject({ '.migraterc.json': '{"table": "found"}', 'conf/migrate.json': '{"table": "given", "dir": "m"}' });
    const config = await loadConfig({ cwd: root, configPath: 'conf/migrate.json', env: {} });
    expect(config.configFile).toBe(join(root, 'conf/migrate.json'));
    expect(config.table).toBe('given');
    expect(config.dir).toBe(join(root, 'conf/m'));
  });

  it('a missing --config file is a configuration error (exit 2)', async () => {
    const cwd = tempProject();
    const error = await errorOf(() => loadConfig({ cwd, configPath: 'nope.json', env: {} }));
    expect(error.message).toBe('config file not found: nope.json');
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBe(`--config is relative to the working directory (${cwd}); run \`sqlmig init\` to create one`);
  });

  it('--dir is relative to the working directory, not to the config file', async () => {
    const root = tempProject({ '.migraterc.json': '{"dir": "sql"}' });
    const cwd = join(root, 'sub');
    mkdirSync(cwd);
    expect((await loadConfig({ cwd, dir: 'other', env: {} })).dir).toBe(join(cwd, 'other'));
  });

  it('an unreadable config file is a file error naming it', async () => {
    const root = tempProject({ '.migraterc.json': '{}' });
    const config = join(root, '.migraterc.json');
    chmodSync(config, 0o000);
    if (process.getuid?.() === 0) {
      // Root reads any file: the built CLI runs as root without the capabilities that override file permissions
      // (util-linux's setpriv), so the mode applies to it as to anyone else.
      const withoutOverride = ['--bounding-set', '-dac_override,-dac_read_search', '--inh-caps', '-dac_override,-dac_read_search'];
      const result = spawnSync('setpriv', [...withoutOverride, process.execPath, BIN, 'status'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });
      expect(result.stderr).toContain('error: .migraterc.json: cannot read the config file: permission denied');
      expect(result.status).toBe(2);
      return;
    }
    const error = await errorOf(() => loadConfig({ cwd: root, env: {} }));
    expect(error.message).toBe('cannot read the config file: permission denied');
    expect(error.location).toEqual({ file: config });
    expect(error.exitCode).toBe(2);
  });

  it('a config path that cannot be read as a file is a file error', async () => {
    const root = tempProject();
    const error = await errorOf(() => readConfigFile(root, {}));
    expect(error.message).toBe('cannot read the config file: EISDIR: illegal operation on a directory, read');
    expect(error.code).toBe('FILE_ERROR');
    expect(error.location).toEqual({ file: root });
  });
});

describe('errors as the CLI prints them', () => {
  it('a trailing comma on line 3 names the file, line 3 and the column', async () => {
    const cwd = tempProject({ '.migraterc.json': '{\n  "dir": "sql",\n  "table": "t",\n}\n' });
    const error = await errorOf(() => loadConfig({ cwd, env: {} }));
    expect(formatError(error, { verbose: false, cwd })).toBe(
      'error: .migraterc.json:3:15: trailing comma: JSON does not allow a "," before "}"\nhint: remove this ","',
    );
  });

  it('an unknown key "tabel" is named, with a suggestion', async () => {
    const cwd = tempProject({ '.migraterc.json': '{\n  "tabel": "migrations"\n}\n' });
    const error = await errorOf(() => loadConfig({ cwd, env: {} }));
    expect(formatError(error, { verbose: false, cwd })).toBe('error: .migraterc.json:2:3: unknown key "tabel"\nhint: did you mean "table"?');
  });
});

describe('values', () => {
  it('interpolates from options.env; an unset or empty variable leaves the key unset', async () => {
    const cwd = tempProject({ '.migraterc.json': '{"databaseUrl": "${DATABASE_URL}", "schema": "${SCHEMA:-app}"}' });
    expect((await loadConfig({ cwd, env: {} })).databaseUrl).toBeNull();
    expect((await loadConfig({ cwd, env: { DATABASE_URL: '' } })).databaseUrl).toBeNull();
    const config = await loadConfig({ cwd, env: { DATABASE_URL: 'postgres://h/db', SCHEMA: 'tenant' } });
    expect(config.databaseUrl).toBe('postgres://h/db');
    expect(config.schema).toBe('tenant');
    expect((await loadConfig({ cwd, env: {} })).schema).toBe('app');
  });

  it('fills lint settings the file leaves out from the defaults', async () => {
    const cwd = tempProject({ '.migraterc.json': '{"lint": {"rules": {"destructive-change": "error"}}}' });
    expect((await loadConfig({ cwd, env: {} })).lint).toEqual({
      rules: { 'destructive-change': 'error' },
      knownTables: [],
      statusColumns: [...configDefaults.lint.statusColumns],
      smallTableRows: 10_000,
    });
  });

  it('reads lint.smallTableRows', async () => {
    const cwd = tempProject({ '.migraterc.json': '{"lint": {"smallTableRows": 500}}' });
    expect((await loadConfig({ cwd, env: {} })).lint.smallTableRows).toBe(500);
  });

  it('does not hand out the defaults object itself', async () => {
    const config = await loadConfig({ cwd: tempProject(), env: {} });
    config.lint.statusColumns.push('kind');
    expect(configDefaults.lint.statusColumns).toEqual(['status', 'state', '*_status', '*_state']);
  });
});

describe('--env', () => {
  const file = JSON.stringify({
    databaseUrl: 'postgres://top/db',
    schema: 'app',
    lockTimeout: '10s',
    statementTimeout: '1min',
    environments: {
      dev: {},
      prod: { databaseUrl: '${PROD_URL}', schema: 'prod_app', lockTimeout: null, lockWait: 5 },
    },
  });

  it('merges the selected entry over the top-level values; null overrides too', async () => {
    const cwd = tempProject({ '.migraterc.json': file });
    const config = await loadConfig({ cwd, env: { PROD_URL: 'postgres://prod/db' }, environment: 'prod' });
    expect(config).toMatchObject({
      environment: 'prod',
      databaseUrl: 'postgres://prod/db',
      schema: 'prod_app',
      table: 'sqlmig_migrations',
      lockTimeout: null,
      lockWait: 5,
      statementTimeout: '1min',
    });
    expect(config.environments.prod).toEqual({ databaseUrl: 'postgres://prod/db', schema: 'prod_app', lockTimeout: null, lockWait: 5 });
  });

  it('an entry whose databaseUrl interpolates to nothing keeps the top-level one', async () => {
    const cwd = tempProject({ '.migraterc.json': file });
    expect((await loadConfig({ cwd, env: {}, environment: 'prod' })).databaseUrl).toBe('postgres://top/db');
  });

  it.each([
    ['stage', 'environments defined: dev, prod'],
    ['prdo', 'did you mean "prod"? environments defined: dev, prod'],
  ])('an unknown name (%s) lists the environments that exist', async (name, hint) => {
    const cwd = tempProject({ '.migraterc.json': file });
    const error = await errorOf(() => loadConfig({ cwd, env: {}, environment: name }));
    expect(error.message).toBe(`unknown environment "${name}" (--env)`);
    expect(error.hint).toBe(hint);
    expect(error.location).toEqual({ file: join(cwd, '.migraterc.json') });
    expect(error.exitCode).toBe(2);
  });

  it('says so when the config has no environments, or when there is no config', async () => {
    const withNone = tempProject({ '.migraterc.json': '{}' });
    expect((await errorOf(() => loadConfig({ cwd: withNone, env: {}, environment: 'prod' }))).hint).toBe(
      'the config file has no "environments"; add one, e.g. "environments": { "prod": { "databaseUrl": "${PROD_DATABASE_URL}" } }',
    );
    const noFile = tempProject();
    expect((await errorOf(() => loadConfig({ cwd: noFile, env: {}, environment: 'prod' }))).hint).toBe(
      `no .migraterc.json was found from ${noFile} up to the project boundary (git root or package.json); --env selects an entry of its "environments"`,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { resolveConnection, type Config, type ConnectionSource } from '../../src/config/index.js';
import { errorOf } from './helpers.js';

function configWith(overrides: Partial<Config> = {}): Config {
  return {
    configFile: '/project/.migraterc.json',
    root: '/project',
    dir: '/project/sql',
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
    lint: { rules: {}, knownTables: [], statusColumns: [], smallTableRows: 10_000 },
    environments: {},
    environment: null,
    ...overrides,
  };
}

describe('connection order: each source wins over the ones after it', () => {
  // In DESIGN.md §3 order; each row sets its source (as a --url, config, or variables).
  const sources: Array<{ source: ConnectionSource; url: string; set: { url?: string; config?: Partial<Config>; env?: Record<string, string> } }> = [
    { source: '--url', url: 'postgres://h1/db', set: { url: 'postgres://h1/db' } },
    {
      source: 'environment',
      url: 'postgres://h2/db',
      // loadConfig merges the entry over databaseUrl; resolveConnection tells them apart by the entry.
      set: { config: { environment: 'prod', environments: { prod: { databaseUrl: 'postgres://h2/db' } }, databaseUrl: 'postgres://h2/db' } },
    },
    { source: 'databaseUrl', url: 'postgres://h3/db', set: { config: { databaseUrl: 'postgres://h3/db' } } },
    { source: 'DATABASE_URL', url: 'postgres://h4/db', set: { env: { DATABASE_URL: 'postgres://h4/db' } } },
    { source: 'POSTGRES_*', url: 'postgres://h5', set: { env: { POSTGRES_HOST: 'h5' } } },
    { source: 'PG*', url: 'postgres://h6', set: { env: { PGHOST: 'h6' } } },
  ];

  it.each(sources.map((row, index) => ({ ...row, index })))('$source wins over what follows', ({ index, source, url }) => {
    let config: Partial<Config> = {};
    let env: Record<string, string> = {};
    let cliUrl: string | undefined;
    // Later sources first, so the environment row's databaseUrl overrides the plain databaseUrl row.
    for (const row of sources.slice(index).reverse()) {
      config = { ...config, ...row.set.config };
      env = { ...env, ...row.set.env };
      cliUrl = row.set.url ?? cliUrl;
    }
    const resolved = resolveConnection(configWith(config), { url: cliUrl, env });
    expect(resolved.source).toBe(source);
    expect(resolved.url).toBe(url);
    expect(resolved.pglite).toBeUndefined();
  });

  it('falls back to the embedded database in <root>/.sqlmig/pglite, last', () => {
    expect(resolveConnection(configWith(), { env: {} })).toEqual({
      url: 'pglite:///project/.sqlmig/pglite',
      redacted: 'pglite:///project/.sqlmig/pglite',
      source: 'embedded',
      secrets: [],
      pglite: { dataDir: '/project/.sqlmig/pglite' },
    });
  });

  it('encodes a root with spaces in the embedded URL, and keeps the folder as it is', () => {
    const resolved = resolveConnection(configWith({ root: '/my project' }), { env: {} });
    expect(resolved.url).toBe('pglite:///my%20project/.sqlmig/pglite');
    expect(resolved.pglite).toEqual({ dataDir: '/my project/.sqlmig/pglite' });
  });

  it('empty values count as unset', () => {
    const env = { DATABASE_URL: '', POSTGRES_HOST: '', POSTGRES_USER: '', POSTGRES_DB: '', PGHOST: '', PGUSER: '', PGDATABASE: '' };
    expect(resolveConnection(configWith(), { url: '', env }).source).toBe('embedded');
  });

  it('a password or port alone does not make a POSTGRES_* or PG* connection', () => {
    const env = { POSTGRES_PASSWORD: 'secret1', POSTGRES_PORT: '5433', PGPASSWORD: 'secret2', PGPORT: '5434' };
    expect(resolveConnection(configWith(), { env }).source).toBe('embedded');
  });

  it('uses process.env when no env is given', () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://from-process/db';
    try {
      expect(resolveConnection(configWith()).url).toBe('postgres://from-process/db');
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});

describe('URLs built from variables', () => {
  it.each([
    [
      'POSTGRES_* with odd characters in every part',
      { POSTGRES_HOST: 'db', POSTGRES_PORT: '5433', POSTGRES_USER: 'app user', POSTGRES_PASSWORD: 'p@ss:w/rd%', POSTGRES_DB: 'my/db' },
      'postgres://app%20user:p%40ss%3Aw%2Frd%25@db:5433/my%2Fdb',
    ],
    ['POSTGRES_USER only: host defaults to localhost', { POSTGRES_USER: 'u' }, 'postgres://u@localhost'],
    ['POSTGRES_DB only', { POSTGRES_DB: 'app' }, 'postgres://localhost/app'],
    [
      'PG* with a password',
      { PGHOST: 'pg.example.com', PGPORT: '6432', PGUSER: 'me', PGPASSWORD: 'p@ss:w/rd%', PGDATABASE: 'app' },
      'postgres://me:p%40ss%3Aw%2Frd%25@pg.example.com:6432/app',
    ],
    ['PG* with a socket folder', { PGHOST: '/var/run/postgresql', PGUSER: 'me' }, 'postgres://me@%2Fvar%2Frun%2Fpostgresql'],
    ['PG* with an IPv6 host', { PGHOST: '::1', PGDATABASE: 'app' }, 'postgres://[::1]/app'],
    ['PG* with a password and no user', { PGHOST: 'h', PGPASSWORD: 'pw#1' }, 'postgres://:pw%231@h'],
  ])('%s', (_name, env: Record<string, string | undefined>, expected) => {
    const resolved = resolveConnection(configWith(), { env });
    expect(resolved.url).toBe(expected);
    // The URL reads back to the same parts.
    const parsed = new URL(resolved.url);
    if (env.POSTGRES_PASSWORD ?? env.PGPASSWORD) expect(decodeURIComponent(parsed.password)).toBe(env.POSTGRES_PASSWORD ?? env.PGPASSWORD);
    if (env.POSTGRES_USER ?? env.PGUSER) expect(decodeURIComponent(parsed.username)).toBe(env.POSTGRES_USER ?? env.PGUSER);
  });

  it('redacts the password of a built URL and reports it as a secret', () => {
    const env = { POSTGRES_HOST: 'db', POSTGRES_USER: 'u', POSTGRES_PASSWORD: 'p@ss:w/rd%' };
    const resolved = resolveConnection(configWith(), { env });
    expect(resolved.redacted).toBe('postgres://u:***@db');
    expect(resolved.secrets).toEqual(['p@ss:w/rd%', 'p%40ss%3Aw%2Frd%25']);
  });
});

describe('pglite URLs', () => {
  it.each([
    ['pglite://memory', 'pglite://memory', null],
    ['pglite://./data/db', 'pglite:///project/data/db', '/project/data/db'],
    ['pglite:./data', 'pglite:///project/data', '/project/data'],
    ['pglite://../shared', 'pglite:///shared', '/shared'],
    ['pglite:///var/lib/x', 'pglite:///var/lib/x', '/var/lib/x'],
    ['pglite:///var/my%20db', 'pglite:///var/my%20db', '/var/my db'],
  ])('%s → %s', (url, normalized, dataDir) => {
    const resolved = resolveConnection(configWith(), { url, env: {} });
    expect(resolved).toMatchObject({ url: normalized, redacted: normalized, source: '--url', pglite: { dataDir } });
  });

  it('a pglite URL without a target is an error', async () => {
    const error = await errorOf(() => resolveConnection(configWith(), { url: 'pglite://', env: {} }));
    expect(error.message).toBe('the --url option names no database: pglite://');
  });
});

describe('invalid URLs name their source and never show the password', () => {
  const cases: Array<{ name: string; config?: Partial<Config>; url?: string; env?: Record<string, string>; message: string; secret: string; file?: boolean }> = [
    {
      name: '--url with another scheme',
      url: 'mysql://root:hunter22@h/db',
      message: 'the --url option is not a PostgreSQL URL (its scheme is "mysql:")',
      secret: 'hunter22',
    },
    {
      name: 'DATABASE_URL with an unencoded "/" in the password',
      env: { DATABASE_URL: 'postgres://u:pa/ss99@h/db' },
      message: 'the DATABASE_URL variable has an unencoded "/" in its user name or password',
      secret: 'ss99',
    },
    {
      name: 'databaseUrl from the config file',
      config: { databaseUrl: 'http://u:topsecret@h' },
      message: 'databaseUrl is not a PostgreSQL URL (its scheme is "http:")',
      secret: 'topsecret',
      file: true,
    },
    {
      name: 'the selected environment',
      config: { environment: 'prod', environments: { prod: { databaseUrl: 'postgres//u:letmein@h/db' } }, databaseUrl: 'postgres//u:letmein@h/db' },
      message: 'environments.prod.databaseUrl (--env prod) is not a valid URL',
      secret: 'letmein',
      file: true,
    },
    {
      name: 'POSTGRES_* with a bad port',
      env: { POSTGRES_HOST: 'h', POSTGRES_PORT: 'five', POSTGRES_USER: 'u', POSTGRES_PASSWORD: 'swordfish' },
      message: 'the URL built from POSTGRES_HOST/PORT/USER/PASSWORD/DB is not a valid URL',
      secret: 'swordfish',
    },
    {
      name: 'a host:port without a scheme',
      url: 'localhost:5432/db',
      message: 'the --url option is not a PostgreSQL URL (its scheme is "localhost:")',
      secret: 'never-there',
    },
    {
      name: 'user:password@host without a scheme',
      env: { DATABASE_URL: 'admin:opensesame@db.internal/app' },
      message: 'the DATABASE_URL variable is not a PostgreSQL URL (its scheme is "admin:")',
      secret: 'opensesame',
    },
  ];

  it.each(cases)('$name', async ({ config, url, env, message, secret, file }) => {
    const error = await errorOf(() => resolveConnection(configWith(config), { url, env: env ?? {} }));
    expect(error.message).toBe(message);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.location).toEqual(file ? { file: '/project/.migraterc.json' } : undefined);
    expect(error.hint).toMatch(/^expected postgres:\/\/user:password@host:5432\/database/);
    expect(`${error.message}\n${error.hint}`).not.toContain(secret);
  });
});

describe('secrets', () => {
  it('lists every password involved and keeps them out of redacted', () => {
    const config = configWith({
      databaseUrl: 'postgres://u:fromconfig@h/db',
      environments: { prod: { databaseUrl: 'postgres://u:fromprod@h/db' }, dev: {} },
    });
    const env = { DATABASE_URL: 'postgres://u:fromenv@h/db', POSTGRES_PASSWORD: 'frompostgres', PGPASSWORD: 'frompg' };
    const resolved = resolveConnection(config, { url: 'postgres://u:fromcli@h/db?password=inquery', env });
    expect(resolved.source).toBe('--url');
    expect(resolved.redacted).toBe('postgres://u:***@h/db?password=***');
    expect([...resolved.secrets].sort()).toEqual(['fromcli', 'fromconfig', 'fromenv', 'frompg', 'frompostgres', 'fromprod', 'inquery'].sort());
  });
});

describe('--env', () => {
  it("refuses to fall through to another database when the selected environment has no URL", async () => {
    // PROD_DATABASE_URL unset: the entry interpolated to nothing, the top level still points at development.
    const config = configWith({ environment: 'prod', environments: { prod: {} }, databaseUrl: 'postgres://dev/db' });
    const error = await errorOf(() => resolveConnection(config, { env: { DATABASE_URL: 'postgres://dev2/db' } }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('the selected environment "prod" has no database URL (--env prod)');
    expect(error.hint).toContain('environments.prod.databaseUrl');
  });

  it('--url still wins over a selected environment without a URL', () => {
    const config = configWith({ environment: 'prod', environments: { prod: {} } });
    expect(resolveConnection(config, { url: 'postgres://h/db', env: {} }).source).toBe('--url');
  });
});

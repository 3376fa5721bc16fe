import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type SourceLocation } from '../errors.js';
import { collectSecrets, redactUrl, splitUserInfo } from '../redact.js';
import { EMBEDDED_DATA_DIR } from './defaults.js';
import { withEnvFile } from './env-file.js';
import { memberPath } from './json-path.js';
import type { Config, ConnectionSource, ResolvedConnection } from './types.js';

export interface ResolveConnectionOptions {
  /** `--url`. */
  url?: string;
  /** Default: process.env. */
  env?: Record<string, string | undefined>;
}

type Env = Record<string, string | undefined>;

/**
 * The database to use, from the first source that is set (DESIGN.md §3):
 * `--url`, the `--env` entry's databaseUrl, `databaseUrl`, DATABASE_URL, the
 * POSTGRES_* variables, the PG* variables, and last the embedded PGlite
 * database in `<root>/.sqlmig/pglite`. Empty values count as unset.
 */
export function resolveConnection(config: Config, options: ResolveConnectionOptions = {}): ResolvedConnection {
  const env = withEnvFile(options.env ?? process.env, config.envFile);
  const [source, url] = firstSource(config, options.url, env);
  const secrets = collectSecrets(env, [
    options.url,
    config.databaseUrl ?? undefined,
    ...Object.values(config.environments).map((entry) => entry.databaseUrl),
    url,
  ]);
  if (/^pglite:/i.test(url)) return { ...pgliteConnection(url, config, source), source, secrets };
  checkPostgresUrl(url, source, config);
  return { url, redacted: redactUrl(url), source, secrets };
}

/**
 * A target's database (`targets.urls`, or a URL the targets query returned):
 * checked like any configured URL, its password kept out of output.
 */
export function targetConnection(config: Config, url: string, env?: Env): ResolvedConnection {
  const secrets = collectSecrets(withEnvFile(env ?? process.env, config.envFile), [url]);
  if (/^pglite:/i.test(url)) return { ...pgliteConnection(url, config, 'targets'), source: 'targets', secrets };
  checkPostgresUrl(url, 'targets', config);
  return { url, redacted: redactUrl(url), source: 'targets', secrets };
}

function firstSource(config: Config, url: string | undefined, env: Env): [ConnectionSource, string] {
  const selected = config.environment === null ? undefined : config.environments[config.environment]?.databaseUrl;
  const candidates: Array<[ConnectionSource, string | undefined]> = [
    ['--url', url],
    ['environment', selected],
    ['databaseUrl', config.databaseUrl ?? undefined],
    ['DATABASE_URL', env.DATABASE_URL],
    ['POSTGRES_*', fromVariables(env, 'POSTGRES_HOST', 'POSTGRES_PORT', 'POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB')],
    ['PG*', fromVariables(env, 'PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE')],
  ];
  for (const [source, value] of candidates) {
    if (source === 'environment' || source === 'databaseUrl') refuseUnsetVariable(config, source);
    if (value) return [source, value];
    // `--env prod` with PROD_DATABASE_URL unset must not fall through to the development database.
    if (source === 'environment' && config.environment !== null) {
      throw new ConfigError(`the selected environment "${config.environment}" has no database URL (--env ${config.environment})`, {
        location: locationOf(source, config),
        hint: `set ${memberPath(memberPath('environments', config.environment), 'databaseUrl')} in the config, or the variable it refers to, or pass --url`,
      });
    }
  }
  // In CI a missing setting is a mistake, not a wish for a throwaway database that passes every deploy step.
  if (isCi(env)) {
    throw new ConfigError(
      'no database is configured, and CI is set: not falling back to the embedded database',
      {
        location: config.configFile === null ? undefined : { file: config.configFile },
        hint: 'set DATABASE_URL or pass --url; to use the embedded database in CI, say so: --url pglite://.sqlmig/pglite (or pglite://memory)',
      },
      'NO_DATABASE',
    );
  }
  return ['embedded', pgliteUrl(resolve(config.root, EMBEDDED_DATA_DIR))];
}

function isCi(env: Env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/**
 * A database URL that references an unset variable must not connect
 * anywhere: not to a URL with a hole in it, and not (falling through) to
 * another source or the embedded database.
 */
function refuseUnsetVariable(config: Config, source: 'environment' | 'databaseUrl'): void {
  if (source === 'environment' && config.environment === null) return;
  const path = source === 'environment' ? memberPath(memberPath('environments', config.environment ?? ''), 'databaseUrl') : 'databaseUrl';
  const unset = config.unsetVariables?.[path];
  if (unset === undefined) return;
  throw new ConfigError(
    `${path} references the variable ${unset.variable}, which is unset or empty`,
    {
      location: unset.location,
      hint: `set ${unset.variable} (in the environment or in .env beside the config file), pass --url, or give a default: \${${unset.variable}:-pglite://.sqlmig/pglite} for the embedded database`,
    },
    'CONFIG_UNSET_VARIABLE',
  );
}

/**
 * A postgres:// URL from separate variables, or undefined unless the host,
 * user or database is set (a password or port alone says nothing about
 * where to connect). The host defaults to localhost; user name, password and
 * database are percent-encoded; a socket folder (`/var/run/postgresql`)
 * becomes an encoded host, as libpq reads it.
 */
function fromVariables(env: Env, hostVar: string, portVar: string, userVar: string, passwordVar: string, databaseVar: string): string | undefined {
  const [host, port, user, password, database] = [hostVar, portVar, userVar, passwordVar, databaseVar].map((name) => env[name] || undefined);
  if (!host && !user && !database) return undefined;
  const auth = user || password ? `${encodeURIComponent(user ?? '')}${password ? `:${encodeURIComponent(password)}` : ''}@` : '';
  let hostPart = host ?? 'localhost';
  if (hostPart.startsWith('/')) hostPart = encodeURIComponent(hostPart);
  else if (hostPart.includes(':') && !hostPart.startsWith('[')) hostPart = `[${hostPart}]`;
  return `postgres://${auth}${hostPart}${port ? `:${port}` : ''}${database ? `/${encodeURIComponent(database)}` : ''}`;
}

const URL_HINT =
  'expected postgres://user:password@host:5432/database (percent-encode special characters in the user name and password: @ → %40, # → %23, : → %3A, / → %2F, ? → %3F, % → %25), or pglite://memory / pglite://./folder for the embedded database';

/** Never quotes the URL: a malformed one may carry a password that redaction cannot find. */
function checkPostgresUrl(url: string, source: ConnectionSource, config: Config): void {
  // A URL parser reads these differently from what was meant (`app:5432#Secret9@host` is host "app", port 5432),
  // so the connection would go elsewhere or with a cut password.
  const userInfo = splitUserInfo(url)?.userInfo ?? '';
  const unencoded = ['@', '#', '/', '?'].find((character) => userInfo.includes(character)) ?? (url.includes('#') ? '#' : undefined);
  if (unencoded !== undefined) {
    const where = userInfo.includes(unencoded) ? 'its user name or password' : 'it';
    throw new ConfigError(`${describeSource(source, config)} has an unencoded "${unencoded}" in ${where}`, { location: locationOf(source, config), hint: URL_HINT });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${describeSource(source, config)} is not a valid URL`, { location: locationOf(source, config), hint: URL_HINT });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    // Only the scheme is quoted: in `user:secret@host` the "scheme" is `user:` and redactUrl finds no password.
    throw new ConfigError(`${describeSource(source, config)} is not a PostgreSQL URL (its scheme is "${parsed.protocol}")`, {
      location: locationOf(source, config),
      hint: URL_HINT,
    });
  }
}

/** `pglite://memory`, `pglite://./folder` (relative to the project root) or `pglite:///absolute/folder`; `//` is optional. */
function pgliteConnection(url: string, config: Config, source: ConnectionSource): Pick<ResolvedConnection, 'url' | 'redacted' | 'pglite'> {
  const target = url.replace(/^pglite:(\/\/)?/i, '');
  if (target === '') {
    throw new ConfigError(`${describeSource(source, config)} names no database: ${url}`, {
      location: locationOf(source, config),
      hint: 'write pglite://memory for a throwaway database, or pglite://./folder to keep one on disk',
    });
  }
  if (target === 'memory') return { url: 'pglite://memory', redacted: 'pglite://memory', pglite: { dataDir: null } };
  const dataDir = resolve(config.root, safeDecode(target));
  const normalized = pgliteUrl(dataDir);
  return { url: normalized, redacted: normalized, pglite: { dataDir } };
}

function pgliteUrl(dataDir: string): string {
  return `pglite://${pathToFileURL(dataDir).pathname}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function describeSource(source: ConnectionSource, config: Config): string {
  switch (source) {
    case '--url':
      return 'the --url option';
    case 'environment':
      return `${memberPath(memberPath('environments', config.environment ?? ''), 'databaseUrl')} (--env ${config.environment ?? ''})`;
    case 'databaseUrl':
      return 'databaseUrl';
    case 'DATABASE_URL':
      return 'the DATABASE_URL variable';
    case 'POSTGRES_*':
      return 'the URL built from POSTGRES_HOST/PORT/USER/PASSWORD/DB';
    case 'PG*':
      return 'the URL built from PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE';
    case 'embedded':
      return 'the embedded database URL';
    case 'targets':
      return 'a target URL (targets)';
  }
}

function locationOf(source: ConnectionSource, config: Config): SourceLocation | undefined {
  const fromFile = source === 'environment' || source === 'databaseUrl' || source === 'targets';
  return fromFile && config.configFile !== null ? { file: config.configFile } : undefined;
}

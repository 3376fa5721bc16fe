import { resolveConnection, targetConnection, withEnvironment } from '../config/index.js';
import type { Config, ResolvedConnection, TargetsConfig } from '../config/types.js';
import { openDatabase } from '../db/index.js';
import { ServerError } from '../db/port.js';
import { ConfigError } from '../errors.js';

/** One database (or one schema of a database) that a command runs on when it runs on several. */
export interface TargetSpec {
  /** What output calls it: the environment, the schema, the query's `name`, or the URL without its password. */
  name: string;
  config: Config;
  connection: ResolvedConnection;
  /** Schema-per-tenant: the tenant's schema (also `config.schema`, where its tracking table lives). */
  searchPath?: string;
}

export interface TargetSelection {
  /** Loaded without `--env`: each target applies its own environment. */
  config: Config;
  /** `--env a,b` or `--env 'tenant-*'` (a glob over the names of `environments`). */
  environments?: string;
  /** `--url`: one database (the one whose schemas are the targets, with `targets.schemas`). */
  url?: string;
  env?: Record<string, string | undefined>;
  /** Seconds to keep retrying the control database's first connection (`--wait`). */
  wait?: number;
}

/**
 * The targets a command runs on, or null when it runs on one database as
 * usual. Several environments (`--env a,b`, `--env 'tenant-*'`) come first;
 * then the config's `targets`, unless `--env <one>` picks one environment or
 * `--url` one database (schema targets then live in that database).
 */
export async function resolveTargets(selection: TargetSelection): Promise<TargetSpec[] | null> {
  const { config } = selection;
  if (selection.environments !== undefined) return environmentTargets(selection, selection.environments);
  const targets = config.targets;
  if (targets === undefined || config.environment !== null) return null;
  const where = config.configFile === null ? undefined : { file: config.configFile };
  const kinds = (['urls', 'schemas', 'query'] as const).filter((key) => targets[key] !== undefined);
  if (kinds.length !== 1) {
    throw new ConfigError(kinds.length === 0 ? '"targets" sets none of urls, schemas and query' : `"targets" sets ${kinds.join(' and ')}: set one`, {
      location: where,
      hint: 'e.g. "targets": { "urls": ["${TENANT_A_URL}"] }, { "schemas": ["tenant_a"] } or { "url": "${CONTROL_URL}", "query": "SELECT url FROM tenants" }',
    });
  }
  if (targets.url !== undefined && targets.query === undefined) {
    throw new ConfigError('targets.url is the control database of targets.query, and no query is set', { location: where });
  }
  if (targets.urls !== undefined) {
    if (selection.url !== undefined) return null;
    return targets.urls.map((url) => urlTarget(config, url, undefined, selection.env));
  }
  if (targets.schemas !== undefined) return targets.schemas.map((schema) => schemaTarget(config, schema, undefined, selection));
  return queryTargets(selection, targets as Required<Pick<TargetsConfig, 'query'>> & TargetsConfig);
}

function environmentTargets(selection: TargetSelection, pattern: string): TargetSpec[] {
  if (selection.url !== undefined) {
    throw new ConfigError(`--url names one database and --env ${pattern} several environments: use one of them`);
  }
  const names = Object.keys(selection.config.environments);
  const chosen = pattern.split(',').map((part) => part.trim()).filter((part) => part !== '').flatMap((part) => {
    if (!/[*?]/.test(part)) return [part];
    const matcher = globMatcher(part);
    const matched = names.filter((name) => matcher.test(name));
    if (matched.length === 0) {
      throw new ConfigError(`--env ${part} matches no entry of "environments"`, {
        location: selection.config.configFile === null ? undefined : { file: selection.config.configFile },
        hint: names.length === 0 ? 'the config has no "environments"' : `environments defined: ${names.join(', ')}`,
      });
    }
    return matched;
  });
  return [...new Set(chosen)].map((name) => {
    const config = withEnvironment(selection.config, name);
    return { name, config, connection: resolveConnection(config, { env: selection.env }) };
  });
}

/** `tenant-*`: `*` any characters, `?` one; everything else literally. */
function globMatcher(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${source}$`);
}

function urlTarget(config: Config, url: string, name: string | undefined, env: TargetSelection['env']): TargetSpec {
  const connection = targetConnection(config, url, env);
  return { name: name ?? connection.redacted, config, connection };
}

function schemaTarget(config: Config, schema: string, name: string | undefined, selection: TargetSelection, connection?: ResolvedConnection): TargetSpec {
  return {
    name: name ?? schema,
    config: { ...config, schema },
    connection: connection ?? resolveConnection(config, { url: selection.url, env: selection.env }),
    searchPath: schema,
  };
}

/**
 * Runs `targets.query` on the control database: a column `url` gives one
 * database per row, a column `schema` one schema per row of the configured
 * database; a column `name` names the target in output.
 */
async function queryTargets(selection: TargetSelection, targets: TargetsConfig & { query: string }): Promise<TargetSpec[]> {
  const { config } = selection;
  const control = targets.url !== undefined ? targetConnection(config, targets.url, selection.env) : resolveConnection(config, { url: selection.url, env: selection.env });
  const db = await openDatabase(control, { wait: selection.wait, connectTimeout: config.connectTimeout, applicationName: 'sqlmig (targets)' });
  let rows: Record<string, unknown>[];
  try {
    rows = await db.query(targets.query);
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    throw new ConfigError(`targets.query failed on ${control.redacted}: ${error.message}`, {
      location: config.configFile === null ? undefined : { file: config.configFile },
      hint: 'the query must return a column url (one database per row) or schema (one schema per row), e.g. SELECT url FROM tenants',
      cause: error,
    });
  } finally {
    await db.close();
  }
  const text = (row: Record<string, unknown>, column: string) => (row[column] == null ? undefined : String(row[column]));
  const first = rows[0];
  if (first === undefined) return [];
  const column = 'url' in first ? 'url' : 'schema' in first ? 'schema' : undefined;
  if (column === undefined) {
    throw new ConfigError(`targets.query returned the columns ${Object.keys(first).join(', ')}; it must return a column url or schema`, {
      location: config.configFile === null ? undefined : { file: config.configFile },
      hint: 'name the column in the query: SELECT tenant_url AS url FROM tenants, or SELECT schema_name AS schema FROM tenants',
    });
  }
  const main = column === 'schema' ? resolveConnection(config, { url: selection.url, env: selection.env }) : undefined;
  return rows.map((row, index) => {
    const value = text(row, column);
    if (value === undefined || value === '') {
      throw new ConfigError(`targets.query returned an empty ${column} in row ${index + 1}`, { location: config.configFile === null ? undefined : { file: config.configFile } });
    }
    return column === 'url' ? urlTarget(config, value, text(row, 'name'), selection.env) : schemaTarget(config, value, text(row, 'name'), selection, main);
  });
}

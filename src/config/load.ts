import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { closestMatch } from './closest.js';
import { CONFIG_FILE_NAME, configDefaults } from './defaults.js';
import { readEnvFile, withEnvFile } from './env-file.js';
import { findConfigFile } from './find.js';
import { readConfigFile } from './read.js';
import type { Config, EnvironmentConfig, FileConfig, LoadConfigOptions } from './types.js';

/**
 * The configuration a command runs with: the config file found (or none),
 * its values over the defaults, the `--env` entry over those, and the
 * migrations folder as an absolute path (`--dir` relative to cwd, `dir`
 * relative to the config file's folder).
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const configFile = findConfigFile(cwd, options.configPath);
  const envFile = readEnvFile(configFile === null ? cwd : dirname(configFile), cwd, options.envFile);
  const env = withEnvFile(options.env ?? process.env, envFile);
  const contents = configFile === null ? { values: {}, unsetVariables: {} } : readConfigFile(configFile, env);
  const file: FileConfig = contents.values;
  const dir = options.dir !== undefined ? resolve(cwd, options.dir) : undefined;
  // Without a config file, .sqlmig/ goes beside the migrations folder, not into whatever folder the command ran in.
  const root = configFile !== null ? dirname(configFile) : dirname(dir ?? resolve(cwd, configDefaults.dir));
  const environments = file.environments ?? {};
  const environment = options.environment ?? null;
  const selected = environment === null ? {} : selectEnvironment(environments, environment, configFile, cwd);
  const lint = file.lint ?? {};
  return {
    configFile,
    root,
    dir: dir ?? resolve(root, file.dir ?? configDefaults.dir),
    dumpSchema: file.dumpSchema === undefined ? null : resolve(root, file.dumpSchema),
    ...((options.layout ?? file.layout) !== undefined ? { layout: options.layout ?? file.layout } : {}),
    databaseUrl: firstSet(selected.databaseUrl, file.databaseUrl, null),
    schema: firstSet(selected.schema, file.schema, configDefaults.schema),
    table: firstSet(selected.table, file.table, configDefaults.table),
    lockTimeout: firstSet(selected.lockTimeout, file.lockTimeout, configDefaults.lockTimeout),
    lockWait: firstSet(selected.lockWait, file.lockWait, configDefaults.lockWait),
    lockRetries: firstSet(selected.lockRetries, file.lockRetries, configDefaults.lockRetries),
    statementTimeout: firstSet(selected.statementTimeout, file.statementTimeout, configDefaults.statementTimeout),
    connectTimeout: firstSet(selected.connectTimeout, file.connectTimeout, configDefaults.connectTimeout),
    runTimeout: firstSet(selected.runTimeout, file.runTimeout, configDefaults.runTimeout),
    lint: {
      rules: { ...configDefaults.lint.rules, ...lint.rules },
      knownTables: [...(lint.knownTables ?? configDefaults.lint.knownTables)],
      statusColumns: [...(lint.statusColumns ?? configDefaults.lint.statusColumns)],
      smallTableRows: lint.smallTableRows ?? configDefaults.lint.smallTableRows,
      ...(lint.baseline !== undefined ? { baseline: lint.baseline } : {}),
      ...(lint.postgresVersion !== undefined ? { postgresVersion: lint.postgresVersion } : {}),
    },
    environments,
    environment,
    unsetVariables: contents.unsetVariables,
    envFile,
  };
}

/** The first value that is set; null is a value (`"lockTimeout": null` turns the timeout off). */
function firstSet<T>(...values: [...Array<T | undefined>, T]): T {
  return values.find((value) => value !== undefined) as T;
}

function selectEnvironment(
  environments: Record<string, EnvironmentConfig>,
  name: string,
  configFile: string | null,
  cwd: string,
): EnvironmentConfig {
  const entry = Object.hasOwn(environments, name) ? environments[name] : undefined;
  if (entry !== undefined) return entry;
  const names = Object.keys(environments);
  const suggestion = closestMatch(name, names);
  let hint: string;
  if (configFile === null) hint = `no ${CONFIG_FILE_NAME} was found from ${cwd} up to the project boundary (git root or package.json); --env selects an entry of its "environments"`;
  else if (names.length === 0) hint = 'the config file has no "environments"; add one, e.g. "environments": { "prod": { "databaseUrl": "${PROD_DATABASE_URL}" } }';
  else hint = `${suggestion ? `did you mean "${suggestion}"? ` : ''}environments defined: ${names.join(', ')}`;
  throw new ConfigError(`unknown environment "${name}" (--env)`, { location: configFile === null ? undefined : { file: configFile }, hint });
}

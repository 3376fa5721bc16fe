import type { LayoutId } from '../migrations/layouts/types.js';
import type { SourceLocation } from '../errors.js';
import type { EnvFile } from './env-file.js';

export type RuleSetting = 'off' | 'warn' | 'error';

export interface LintConfig {
  /** Rule id → severity override. */
  rules: Record<string, RuleSetting>;
  /** Tables created outside the migrations (e.g. `auth.users`), for fk-order. */
  knownTables: string[];
  /** Column-name patterns treated as status columns (`*` wildcard). */
  statusColumns: string[];
  /** With `lint --url`: lock findings on tables with fewer estimated rows are warnings, not errors. */
  smallTableRows: number;
  /**
   * Migrations at or below this version are analysed (they build the schema
   * model) but never reported on, by `lint` or by the gate in `up`: a project
   * adopting sqlmig is not flooded with findings about its history.
   */
  baseline?: number;
  /**
   * The major version of the PostgreSQL server the migrations run on (15 for
   * 15.4), for rules about syntax or behaviour older servers lack; unset: not
   * known, and those rules stay silent. A database at hand (the gate in `up`)
   * answers instead.
   */
  postgresVersion?: number;
}

/** What an entry of `environments` may override. */
export interface EnvironmentConfig {
  databaseUrl?: string;
  schema?: string;
  table?: string;
  lockTimeout?: string | null;
  lockWait?: number;
  lockRetries?: number;
  statementTimeout?: string | null;
  connectTimeout?: number;
  runTimeout?: number;
}

/** What a `.migraterc.json` holds after interpolation and validation: only the keys it sets (empty strings count as unset). */
export interface FileConfig extends EnvironmentConfig {
  $schema?: string;
  dir?: string;
  /** The schema dump to keep beside the migrations (`schema.sql`), relative to the config file's folder. */
  dumpSchema?: string;
  /** The migration tool whose layout `dir` has (lint and run in place); unset: detected. */
  layout?: LayoutId;
  lint?: Partial<LintConfig>;
  environments?: Record<string, EnvironmentConfig>;
}

/** The configuration after reading, interpolation, validation and --env selection. */
export interface Config {
  /** Absolute path of the config file that was read, or null when none exists. */
  configFile: string | null;
  /** Project root, where `.sqlmig/` goes: the config file's folder, else the migrations folder's parent. */
  root: string;
  /** Absolute path of the migrations folder. */
  dir: string;
  /** Absolute path of the schema dump that `up`, `down`, `redo` and `new` keep current and `lint` checks; null: none. */
  dumpSchema: string | null;
  /** `--layout`, else the file's `layout`; unset: detected from the folder. */
  layout?: LayoutId;
  /** After interpolation; null when unset or empty. */
  databaseUrl: string | null;
  schema: string;
  table: string;
  lockTimeout: string | null;
  /** Seconds to wait for the advisory lock. */
  lockWait: number;
  /** Times a migration that failed with lock_not_available (lockTimeout) in its own transaction is rolled back and run again. */
  lockRetries: number;
  statementTimeout: string | null;
  /** Seconds to wait for a connection to open. */
  connectTimeout: number;
  /** Seconds a whole run may take (a connection that stops answering ends the run); 0: no limit. */
  runTimeout: number;
  lint: LintConfig;
  environments: Record<string, EnvironmentConfig>;
  /** The environment selected with --env, if any. */
  environment: string | null;
  /** JSON path → a `${VAR}` (without default) that value references and that was unset or empty. */
  unsetVariables?: Record<string, UnsetVariable>;
  /** The `.env` (or `--env-file`) read; its variables count where the environment does not set them. */
  envFile?: EnvFile | null;
}

export interface UnsetVariable {
  variable: string;
  /** Where the reference is written in the config file. */
  location: SourceLocation;
}

export interface LoadConfigOptions {
  /** Where to start looking for `.migraterc.json` (default: process.cwd()). */
  cwd?: string;
  /** Explicit config path (`--config`); it must exist. */
  configPath?: string;
  /** Variables for `${VAR}` interpolation and connection resolution (default: process.env). */
  env?: Record<string, string | undefined>;
  /** `--env <name>`. */
  environment?: string;
  /** `--dir <dir>`, relative to cwd. */
  dir?: string;
  /** `--layout <layout>`. */
  layout?: LayoutId;
  /** `--env-file <path>`, relative to cwd; default: `.env` beside the config file. */
  envFile?: string;
}

export type ConnectionSource =
  | '--url'
  | 'environment'
  | 'databaseUrl'
  | 'DATABASE_URL'
  | 'POSTGRES_*'
  | 'PG*'
  | 'embedded';

export interface ResolvedConnection {
  /** The URL to connect with. Contains secrets: never print it; print `redacted`. */
  url: string;
  /** The same URL with the password replaced by `***`. */
  redacted: string;
  source: ConnectionSource;
  /** Every secret that must never appear in output (passwords), for scrubbing error messages. */
  secrets: string[];
  /** For `pglite:` URLs: the data folder (absolute), or null for `pglite://memory`. Absent for PostgreSQL URLs. */
  pglite?: { dataDir: string | null };
}

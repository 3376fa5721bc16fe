import type { LintConfig } from './types.js';

export const CONFIG_FILE_NAME = '.migraterc.json';

/** Where the embedded database (PGlite) lives, relative to the project root; `init` advises ignoring `.sqlmig/`. */
export const EMBEDDED_DATA_DIR = '.sqlmig/pglite';

export interface ConfigDefaults {
  readonly dir: string;
  readonly schema: string;
  readonly table: string;
  readonly lockTimeout: string | null;
  readonly lockWait: number;
  readonly lockRetries: number;
  readonly statementTimeout: string | null;
  readonly connectTimeout: number;
  readonly runTimeout: number;
  readonly lint: { readonly [K in keyof LintConfig]: Readonly<LintConfig[K]> };
}

/** Values for the keys a config file does not set. schema.json states the same defaults; a test keeps them in step. */
export const configDefaults: ConfigDefaults = {
  dir: 'sql',
  schema: 'public',
  table: 'sqlmig_migrations',
  lockTimeout: '10s',
  lockWait: 60,
  lockRetries: 3,
  connectTimeout: 15,
  runTimeout: 0,
  statementTimeout: null,
  lint: { rules: {}, knownTables: [], statusColumns: ['status', 'state', '*_status', '*_state'], smallTableRows: 10_000 },
};

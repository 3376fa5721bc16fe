import { existsSync } from 'node:fs';
import { loadConfig, resolveConnection } from '../config/index.js';
import type { Config, ResolvedConnection } from '../config/types.js';
import { openDatabase } from '../db/index.js';
import { ServerError, type DatabaseSession } from '../db/port.js';
import { ConfigError, ConnectionError, MigrationError } from '../errors.js';
import { serverMessage } from './error-mapping.js';
import type { EventSink } from './events.js';
import { advice, interrupted } from './execute.js';
import { acquireLock } from './lock.js';
import { createTableSql, readApplied, tableState, trackingTable, type TableState, type TrackingTable } from './tracking.js';
import type { AppliedMigration } from './types.js';
import type { FolderListing } from '../migrations/layouts/types.js';

/** What every runner operation accepts (the library API's common options). */
export interface RunnerOptions {
  /** Already loaded configuration; default: `loadConfig({ cwd, env })`. */
  config?: Config;
  /** Already resolved connection; default: from `url`, the config and `env` (DESIGN.md §3 order). */
  connection?: ResolvedConnection;
  /** Working directory: where .migraterc.json is searched, and what paths in messages are relative to. */
  cwd?: string;
  /** Variables for `${VAR}` and the connection variables; default: process.env. */
  env?: Record<string, string | undefined>;
  /** Database URL, overriding every other connection setting (like `--url`). */
  url?: string;
  /**
   * Where checksums of unchanged migration files are kept between runs (the CLI: `<project root>/.sqlmig/cache`,
   * unless `--no-cache`); default: none, every file is read.
   */
  cacheDir?: string;
  /** The migrations folder as already listed (the CLI's layout detection), reused when it is the config's `dir`. */
  folderListing?: FolderListing;
  /**
   * Why the folder's versions are positions 1, 2, … in another tool's order (an in-place run of a layout whose
   * versions sqlmig cannot keep): then every applied row must still match the file at its version, by name and
   * checksum, or nothing runs, since a migration added or removed before it has shifted the numbers.
   */
  renumbered?: string;
  /** Seconds to keep retrying the first connection (like `--wait`). */
  wait?: number;
  /** Seconds to wait for another run's lock; default: config `lockWait`. */
  lockWait?: number;
  /** Seconds the whole run may take (like `--timeout`); default: config `runTimeout` (0: no limit). */
  timeout?: number;
  /**
   * Schema-per-tenant: migrations run with search_path set to this schema
   * alone (SET LOCAL in each migration's transaction); the tracking table
   * belongs in it too (`config.schema`). Default: the role's search_path.
   */
  searchPath?: string;
  /** Progress, lock waits, server notices. Nothing is printed unless this prints it. */
  onEvent?: EventSink;
  /**
   * Stops the run: the running statement is cancelled (its migration rolls
   * back; a no-transaction one stays dirty), no further migration starts,
   * and the call rejects with a MigrationError of code INTERRUPTED (or the
   * failed migration's error) once the lock is released.
   */
  signal?: AbortSignal;
}

export interface Target {
  config: Config;
  connection: ResolvedConnection;
  table: TrackingTable;
  cwd: string;
  cacheDir?: string;
  folderListing?: FolderListing;
  renumbered?: string;
}

export async function resolveTarget(options: RunnerOptions): Promise<Target> {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? (await loadConfig({ cwd, env: options.env }));
  const connection = options.connection ?? resolveConnection(config, { url: options.url, env: options.env });
  // The CLI announces the embedded default; a library call would create it silently, in the app's folder.
  if (options.connection === undefined && connection.source === 'embedded') {
    throw new ConfigError('no database is configured: pass `url` (or `connection`), set databaseUrl in the config, or set DATABASE_URL', {
      hint: "to use the embedded database on purpose, pass url: 'pglite://.sqlmig/pglite' (or 'pglite://memory')",
    }, 'NO_DATABASE');
  }
  return { config, connection, table: trackingTable(config.schema, config.table), cwd, cacheDir: options.cacheDir, folderListing: options.folderListing, renumbered: options.renumbered };
}

export interface Session {
  db: DatabaseSession;
  /** The tracking rows, read once (after the lock when locked). */
  applied: AppliedMigration[];
  /** The tracking table and its schema as found (a change session then creates what is missing). */
  tableFound: TableState;
}

/**
 * Opens the session and, for changes, takes the advisory lock and creates
 * the tracking table before reading the rows, so a run that waited sees the
 * work of the run it waited for. Read-only sessions take no lock and create
 * nothing. Closing the session releases the lock.
 */
export async function withSession<T>(
  target: Target,
  options: RunnerOptions,
  mode: 'change' | 'read',
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const onEvent = options.onEvent ?? (() => {});
  const started = Date.now();
  const db = await openDatabase(mode === 'read' ? withoutCreating(target.connection) : target.connection, {
    wait: options.wait,
    connectTimeout: target.config.connectTimeout,
    applicationName: 'sqlmig',
    onNotice: (notice) => onEvent({ type: 'notice', notice }),
    onRetry: (reason) => onEvent({ type: 'connect-retry', reason }),
  });
  const cancel = () => void db.cancel?.();
  options.signal?.addEventListener('abort', cancel);
  const deadline = runDeadline(db, options.timeout ?? target.config.runTimeout, started);
  try {
    if (options.signal?.aborted) throw interrupted('interrupted before any migration ran');
    if (mode === 'change') {
      const waitSeconds = options.lockWait ?? target.config.lockWait;
      let waited = false;
      let locked: boolean;
      try {
        locked = await acquireLock(db, target.table, {
          waitSeconds,
          onWait: (holder) => {
            waited = true;
            onEvent({ type: 'lock-wait', holder, waitSeconds });
          },
          signal: options.signal,
        });
      } catch (error) {
        // Lost while only queued for the lock: the "a migration was running" advice would send the user looking for damage.
        if (error instanceof ConnectionError && error.code === 'CONNECTION') {
          throw new ConnectionError(
            `${error.message}\nthis run was ${waited ? 'waiting for another run\'s migration lock' : 'taking the migration lock'}: nothing of its own ran`,
            { hint: 'run the command again once the server is back (`sqlmig status` shows what the other run applied)', cause: error },
          );
        }
        throw error;
      }
      if (!locked) throw interrupted('interrupted before any migration ran');
    }
    const tableFound = await tableState(db, target.table);
    // Checked first rather than relying on IF NOT EXISTS alone: CREATE SCHEMA checks
    // the CREATE privilege before existence, which a least-privilege deploy role may lack.
    if (mode === 'change' && !tableFound.tableExists) await db.exec(createTableSql(target.table, tableFound.schemaExists));
    const applied = tableFound.tableExists ? await readApplied(db, target.table) : [];
    return await work({ db, applied, tableFound });
  } catch (error) {
    if (deadline.passed) throw deadline.error(error);
    // Cancelled before any migration ran: most likely while waiting for the lock.
    if (error instanceof ServerError && options.signal?.aborted) throw interrupted('interrupted before any migration ran');
    // A server error outside a migration's file (tracking table, permissions) is still the database refusing.
    if (error instanceof ServerError) {
      throw new MigrationError(serverMessage(error), {
        hint: error.hint ?? advice(error) ?? `check the role's privileges on ${target.table.sql} and its schema`,
      });
    }
    throw error;
  } finally {
    deadline.clear();
    options.signal?.removeEventListener('abort', cancel);
    await db.close();
  }
}

/**
 * The run's own deadline: a connection whose server side vanished without a
 * reset (a half-open connection) answers nothing and would hang the run for
 * ever. Past `seconds` (counted from before the connection opened) the
 * connection is dropped, and the failure says so.
 */
function runDeadline(db: DatabaseSession, seconds: number, started: number) {
  const state = {
    passed: false,
    clear: () => {},
    error(cause: unknown): ConnectionError {
      const dirty = cause instanceof ConnectionError && cause.code === 'MIGRATION_DIRTY';
      const lost = cause instanceof Error ? `\n${cause.message}` : '';
      return new ConnectionError(
        `gave up after ${seconds} s (--timeout, config "runTimeout"): the server stopped answering${lost}`,
        {
          location: cause instanceof ConnectionError ? cause.location : undefined,
          hint: dirty
            ? (cause as ConnectionError).hint
            : 'a migration that was running committed together with its tracking row or not at all, and the server knows which: ' +
              'run `sqlmig status` once it answers again, then run the command again',
          cause,
        },
        'RUN_TIMEOUT',
      );
    },
  };
  // setTimeout takes at most 2^31 - 1 ms (about 24 days); longer is no limit in practice.
  if (seconds > 0 && seconds * 1000 < 2 ** 31) {
    const timer = setTimeout(() => {
      state.passed = true;
      void (db.abandon ?? db.close).call(db);
    }, Math.max(0, started + seconds * 1000 - Date.now()));
    timer.unref();
    state.clear = () => clearTimeout(timer);
  }
  return state;
}

/**
 * Reading never creates an embedded database: where its folder does not exist
 * yet, an empty one in memory answers the same (nothing applied).
 */
function withoutCreating(connection: ResolvedConnection): ResolvedConnection {
  const dataDir = connection.pglite?.dataDir;
  if (dataDir == null || existsSync(dataDir)) return connection;
  return { ...connection, url: 'pglite://memory', pglite: { dataDir: null } };
}

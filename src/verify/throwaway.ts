import { randomBytes } from 'node:crypto';
import { resolveConnection } from '../config/index.js';
import type { Config, ResolvedConnection } from '../config/types.js';
import { openDatabase } from '../db/index.js';
import { ServerError, type DatabaseSession, type Notice, type OpenOptions } from '../db/port.js';
import { ConnectionError, UsageError } from '../errors.js';
import { redactUrl } from '../redact.js';

/** A database made for one verify run. */
export interface ThrowawayDatabase {
  db: DatabaseSession;
  /** For messages: `PGlite in memory`, or the temporary database's redacted URL. */
  description: string;
  /**
   * Closes the session and drops the database. At once and idempotent, so a
   * signal handler can call it while a statement runs: that statement's
   * session is ended by the drop. Never throws: returns what went wrong.
   */
  dispose(): Promise<string | undefined>;
}

/** Temporary databases on a server are named so (`sqlmig_verify_<12 hex digits>`). */
const TEMPORARY_DATABASE_PREFIX = 'sqlmig_verify_';

const EMBEDDED: ResolvedConnection = {
  url: 'pglite://memory',
  redacted: 'pglite://memory',
  source: '--url',
  secrets: [],
  pglite: { dataDir: null },
};

/** PGlite in memory when `server` is null; else a new database on that server, created from its default template. */
export async function openThrowaway(server: ResolvedConnection | null, options: OpenOptions): Promise<ThrowawayDatabase> {
  if (server === null) {
    const db = await openDatabase(EMBEDDED, options);
    return { db, description: 'PGlite in memory', dispose: () => db.close().then(() => undefined) };
  }
  return openTemporaryDatabase(server, options);
}

async function openTemporaryDatabase(server: ResolvedConnection, options: OpenOptions): Promise<ThrowawayDatabase> {
  const admin = await openDatabase(server, { ...options, onNotice: undefined, applicationName: 'sqlmig verify' });
  const name = `${TEMPORARY_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  const connection: ResolvedConnection = { ...server, url: url.toString(), redacted: redactUrl(url.toString()) };
  let db: DatabaseSession | undefined;
  let disposed: Promise<string | undefined> | undefined;
  const dispose = () => {
    disposed ??= (async () => {
      // Dropped first: WITH (FORCE) ends our own session even in the middle of a statement.
      const problem = await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(
        () => undefined,
        (error: Error) => `could not drop the temporary database ${name} (${error.message}); drop it by hand: DROP DATABASE ${name};`,
      );
      await db?.close();
      await admin.close();
      return problem;
    })();
    return disposed;
  };
  try {
    await admin.exec(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.close();
    if (!(error instanceof ServerError)) throw error;
    throw new ConnectionError(`cannot create a temporary database on ${server.redacted}: ${error.message}`, {
      hint: 'verify --url needs a role that may create databases (CREATEDB); it drops the database again when done',
    });
  }
  try {
    db = await openDatabase(connection, options);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { db, description: connection.redacted, dispose };
}

/**
 * The server named by `url`, or null for PGlite in memory (no `url`, or
 * `pglite://memory`). Only `url` selects a server: databaseUrl and
 * DATABASE_URL name the database to migrate, not one to experiment in.
 */
export function throwawayServer(config: Config, options: { url?: string; env?: Record<string, string | undefined> }, command: 'verify' | 'dump' | 'diff'): ResolvedConnection | null {
  if (options.url === undefined) return null;
  const connection = resolveConnection(config, { url: options.url, env: options.env });
  if (!connection.pglite) return connection;
  if (connection.pglite.dataDir === null) return null;
  throw new UsageError(`${command} runs in a throwaway database, not in ${connection.redacted}`, {
    hint: `leave out --url to ${command} in PGlite in memory, or pass a postgres:// server URL to ${command} in a temporary database there`,
  });
}

/** What `verify` and `dump` take to run migrations in a throwaway database. */
export interface ThrowawayRunOptions {
  /** Already loaded configuration; default: `loadConfig({ cwd, env })`. */
  config?: Config;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /**
   * A PostgreSQL server: run in a temporary database created there and
   * dropped afterwards. Default (and `pglite://memory`): PGlite in memory.
   * Only this option selects a server: databaseUrl / DATABASE_URL are ignored.
   */
  url?: string;
  /** Seconds to keep retrying the first connection to `url`'s server (containers start slowly). */
  wait?: number;
  /** Up to and including this version. */
  to?: number;
  /** Aborting drops the throwaway database at once (ending a running statement) and makes the run reject. */
  signal?: AbortSignal;
}

export type ThrowawayEvent =
  | { type: 'notice'; notice: Notice }
  /** The server is not reachable yet; the run retries while `wait` lasts. */
  | { type: 'connect-retry'; reason: string }
  /** The temporary database could not be dropped (its name and how to drop it by hand). */
  | { type: 'cleanup-failed'; message: string };

/**
 * Opens the throwaway database, runs `body` in it, and drops it afterwards
 * (at once when `signal` aborts, which ends a running statement).
 */
export async function withThrowaway<T>(
  server: ResolvedConnection | null,
  options: Pick<ThrowawayRunOptions, 'wait' | 'signal'> & { onEvent: (event: ThrowawayEvent) => void },
  body: (database: ThrowawayDatabase) => Promise<T>,
): Promise<T> {
  const { signal, onEvent } = options;
  signal?.throwIfAborted();
  let database: ThrowawayDatabase | undefined;
  // Listening before the database exists also tells the CLI that Ctrl-C has something to clean up.
  const abandon = () => void database?.dispose();
  signal?.addEventListener('abort', abandon, { once: true });
  try {
    database = await openThrowaway(server, {
      wait: options.wait,
      onNotice: (notice) => onEvent({ type: 'notice', notice }),
      onRetry: (reason) => onEvent({ type: 'connect-retry', reason }),
    });
    signal?.throwIfAborted();
    return await body(database);
  } finally {
    signal?.removeEventListener('abort', abandon);
    const problem = await database?.dispose();
    if (problem) onEvent({ type: 'cleanup-failed', message: problem });
  }
}

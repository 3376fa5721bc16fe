import { relative } from 'node:path';
import { loadConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import type { Notice } from '../db/port.js';
import { loadMigrations, type LoadedMigrations } from '../runner/files.js';
import { trackingTable } from '../runner/tracking.js';
import { RoundTrip } from '../verify/round-trip.js';
import { openThrowaway, throwawayServer, type ThrowawayDatabase } from '../verify/throwaway.js';
import { readCatalog, type DumpCatalog } from './catalog.js';
import { dumpHeader, migrationsDigest, type DumpOrigin } from './header.js';
import { renderStatements } from './render.js';

export interface DumpOptions {
  /** Already loaded configuration; default: `loadConfig({ cwd, env })`. */
  config?: Config;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /**
   * A PostgreSQL server: apply the migrations in a temporary database created
   * there and dropped afterwards. Default (and `pglite://memory`): PGlite in
   * memory. databaseUrl / DATABASE_URL are ignored.
   */
  url?: string;
  /** Seconds to keep retrying the first connection to `url`'s server. */
  wait?: number;
  /** Dump the schema of the migrations up to and including this version. */
  to?: number;
  /** Aborting drops the throwaway database at once and makes dump reject. */
  signal?: AbortSignal;
  onEvent?: (event: DumpEvent) => void;
}

export type DumpEvent =
  | { type: 'notice'; notice: Notice }
  | { type: 'connect-retry'; reason: string }
  | { type: 'cleanup-failed'; message: string };

export interface DumpResult {
  /** The schema.sql text: header, then one statement group per object, in dependency order. */
  sql: string;
  /** Which up files it came from (the header's origin line). */
  origin: DumpOrigin;
  /** The catalog it was rendered from (the snapshot the migrations produced). */
  catalog: DumpCatalog;
  /** Where the migrations ran: `PGlite in memory`, or the temporary database's redacted URL. */
  database: string;
}

/**
 * `sqlmig dump`: applies the migrations (up to `to`) in a throwaway database,
 * as `up` applies them, and writes the schema they produce as SQL. Throws
 * MigrationError (a file failed), PlanRefusedError, ConnectionError; never
 * prints or exits.
 */
export async function dump(options: DumpOptions = {}): Promise<DumpResult> {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? (await loadConfig({ cwd, env: options.env }));
  const server = throwawayServer(config, options, 'dump');
  const loaded = loadMigrations(config.dir);
  const onEvent = options.onEvent ?? (() => {});
  const { signal } = options;
  signal?.throwIfAborted();
  let database: ThrowawayDatabase | undefined;
  const abandon = () => void database?.dispose();
  signal?.addEventListener('abort', abandon, { once: true });
  try {
    database = await openThrowaway(server, {
      wait: options.wait,
      onNotice: (notice) => onEvent({ type: 'notice', notice }),
      onRetry: (reason) => onEvent({ type: 'connect-retry', reason }),
    });
    signal?.throwIfAborted();
    const tracking = trackingTable(config.schema, config.table);
    const trip = await RoundTrip.start(database.db, loaded, tracking, config);
    await trip.upTo(options.to);
    signal?.throwIfAborted();
    const catalog = await readCatalog(database.db, tracking);
    const origin = originOf(loaded, options.to);
    const sql = renderDump(catalog, origin, relative(cwd, config.dir) || '.');
    return { sql, origin, catalog, database: database.description };
  } finally {
    signal?.removeEventListener('abort', abandon);
    const problem = await database?.dispose();
    if (problem) onEvent({ type: 'cleanup-failed', message: problem });
  }
}

/** The digest of the up files a dump up to `to` applies. */
function originOf(loaded: LoadedMigrations, to?: number): DumpOrigin {
  const files = loaded.set.migrations.flatMap((m) =>
    m.up ? [{ version: m.version, fileName: m.up.fileName, checksum: loaded.checksums.get(m.version) ?? '' }] : [],
  );
  return migrationsDigest(files, to);
}

/**
 * The whole file. Function bodies are not checked while it loads (as in
 * pg_dump's output): a function may name a table that comes later, and
 * PostgreSQL records no dependency for that.
 */
export function renderDump(catalog: DumpCatalog, origin: DumpOrigin, dir: string): string {
  const statements = renderStatements(catalog.objects).map((s) => s.sql);
  return [dumpHeader(origin, dir.split('\\').join('/')), 'SET check_function_bodies = false;', ...statements].join('\n\n') + '\n';
}

import { relative } from 'node:path';
import { loadConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { loadMigrations, type LoadedMigrations } from '../runner/files.js';
import { trackingTable } from '../runner/tracking.js';
import { RoundTrip } from '../verify/round-trip.js';
import { throwawayServer, withThrowaway, type ThrowawayEvent, type ThrowawayRunOptions } from '../verify/throwaway.js';
import { objectKey, readCatalog, type DumpCatalog } from './catalog.js';
import { dumpHeader, migrationsDigest, type DumpOrigin } from '../migrations/dump-origin.js';
import { renderStatements, type RenderedStatement } from './render.js';

/** `to`: dump the schema after this version (default: all migrations). */
export interface DumpOptions extends ThrowawayRunOptions {
  onEvent?: (event: DumpEvent) => void;
}

export type DumpEvent = ThrowawayEvent;

export interface DumpResult {
  /** The schema.sql text: header, then one statement group per object, in dependency order. */
  sql: string;
  /** Which up files it came from (the header's origin line). */
  origin: DumpOrigin;
  /** The catalog it was rendered from (the snapshot the migrations produced). */
  catalog: DumpCatalog;
  /** How many schemas, tables, views, types, functions… the file creates (not counting their columns, constraints, indexes…). */
  objectCount: number;
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
  return withThrowaway(server, { wait: options.wait, signal: options.signal, onEvent }, async (database) => {
    const tracking = trackingTable(config.schema, config.table);
    const trip = await RoundTrip.start(database.db, loaded, tracking, config);
    await trip.upTo(options.to);
    options.signal?.throwIfAborted();
    const catalog = await readCatalog(database.db, tracking);
    const origin = originOf(loaded, options.to);
    const statements = renderStatements(catalog.objects);
    const sql = renderDump(statements, origin, relative(cwd, config.dir) || '.');
    const topLevel = new Set(catalog.objects.filter((object) => object.parent === null).map(objectKey));
    const objectCount = statements.filter((s) => s.key === s.object && topLevel.has(s.key)).length;
    return { sql, origin, catalog, objectCount, database: database.description };
  });
}

/** The origin a dump of all of the project's migrations records now (reads the up files, runs nothing). */
export function currentOrigin(config: Config): DumpOrigin {
  return originOf(loadMigrations(config.dir));
}

/** The digest of the up files a dump up to `to` applies. */
function originOf(loaded: LoadedMigrations, to?: number): DumpOrigin {
  const files = loaded.set.migrations.flatMap((m) =>
    m.up ? [{ version: m.version, fileName: m.up.fileName, checksum: loaded.checksums.get(m.version) ?? '' }] : [],
  );
  return migrationsDigest(files, to);
}

/**
 * The whole file, from statements in dependency order (renderStatements). Function bodies are not checked while it loads (as in
 * pg_dump's output): a function may name a table that comes later, and
 * PostgreSQL records no dependency for that.
 */
export function renderDump(statements: readonly RenderedStatement[], origin: DumpOrigin, dir: string): string {
  return [dumpHeader(origin, dir.split('\\').join('/')), 'SET check_function_bodies = false;', ...statements.map((s) => s.sql)].join('\n\n') + '\n';
}

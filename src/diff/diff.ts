/**
 * `sqlmig diff`: drafts the next migrations from the difference between what
 * the migrations build and a desired schema, then checks its own draft.
 *
 * 1. current: the migrations applied in a throwaway database (as verify does);
 * 2. desired: `schema.sql` run in a second throwaway database, or the live
 *    database at `toUrl`, read in a read-only session;
 * 3. plan.ts turns the two snapshots into up to three migrations, written as
 *    `new` writes files (numbered, recorded in sqlmig.sum);
 * 4. the draft is linted with the project's rules, and each new migration gets
 *    verify's round trip in the first database (up, down, up again), after
 *    which the schema must equal the desired one.
 *
 * Problems with the draft are data (`problems`); only a schema that cannot be
 * built, a broken migrations folder or a connection throw.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, resolveConnection } from '../config/index.js';
import type { Config, ResolvedConnection } from '../config/types.js';
import { openDatabase } from '../db/index.js';
import { ServerError, type DatabaseSession, type OpenOptions } from '../db/port.js';
import { FileError, MigrationError, UsageError } from '../errors.js';
import type { Diagnostic } from '../lint/diagnostic.js';
import { lintProject } from '../lint/project.js';
import { createMigration, migrationSlug } from '../migrations/index.js';
import { fsErrorReason } from '../migrations/fs-error.js';
import { LineIndex } from '../parse/line-index.js';
import { stringOffsetOf } from '../runner/error-mapping.js';
import { loadMigrations } from '../runner/files.js';
import { plan } from '../runner/plan.js';
import { PlanRefusedError } from '../runner/refused.js';
import { readApplied, trackingTable, type TrackingTable } from '../runner/tracking.js';
import { RoundTrip } from '../verify/round-trip.js';
import { describeChange, diffSnapshots, normalized, takeSnapshot, type CatalogSnapshot } from '../verify/snapshot.js';
import { openThrowaway, throwawayServer, type ThrowawayDatabase } from '../verify/throwaway.js';
import { verifyOne } from '../verify/verify.js';
import { planDiff, type DraftMigration } from './plan.js';
import type { DraftNote } from './statements.js';

export interface DiffOptions {
  /** Already loaded configuration; default: `loadConfig({ cwd, env })`. */
  config?: Config;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** The desired schema as a SQL file (relative to `cwd`); default: config `dumpSchema`, else `schema.sql`. */
  to?: string;
  /** The desired schema as a live database, read only. Excludes `to`. */
  toUrl?: string;
  /** What the change does, for the file names; default `schema changes`. */
  name?: string;
  /** A server for the throwaway databases (temporary databases there); default PGlite in memory. */
  url?: string;
  wait?: number;
  signal?: AbortSignal;
  /** Numbers the files when the folder uses timestamp versions. */
  now?: Date;
}

export interface DraftedMigration {
  /** Absolute paths. */
  up: string;
  down: string;
  noTransaction: boolean;
}

export interface DiffResult {
  /** Empty when the migrations already build the desired schema. */
  migrations: DraftedMigration[];
  notes: DraftNote[];
  /** Findings of the project's lint rules on the drafted files. */
  lint: Diagnostic[];
  /** Why the draft is not ready: lint errors, a failed round trip, a schema that differs from the desired one. */
  problems: string[];
  /** What the desired schema was read from, for messages. */
  desired: string;
}

const DEFAULT_SCHEMA_FILE = 'schema.sql';

export async function diff(options: DiffOptions = {}): Promise<DiffResult> {
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? (await loadConfig({ cwd, env: options.env }));
  if (options.to !== undefined && options.toUrl !== undefined) {
    throw new UsageError('--to and --to-url both name the desired schema', { hint: 'pass one of them' });
  }
  const description = options.name ?? 'schema changes';
  migrationSlug(description);
  const server = throwawayServer(config, options, 'diff');
  const tracking = trackingTable(config.schema, config.table);
  const openOptions: OpenOptions = { wait: options.wait };
  const { signal } = options;
  signal?.throwIfAborted();

  const databases: ThrowawayDatabase[] = [];
  const abandon = () => void Promise.all(databases.map((database) => database.dispose()));
  signal?.addEventListener('abort', abandon, { once: true });
  try {
    const workspace = await openThrowaway(server, openOptions);
    databases.push(workspace);
    const trip = await applyAll(workspace.db, config, tracking);
    const current = await takeSnapshot(workspace.db, tracking, { exactDefinitions: true });
    const columnOrder = await columnPositions(workspace.db);

    const { snapshot: desired, description: desiredFrom, positions } = await readDesired(options, config, cwd, server, openOptions, tracking, databases);
    // The desired schema's order wins: it is the one new tables are created in.
    for (const [column, position] of positions) columnOrder.set(column, position);
    signal?.throwIfAborted();

    const planned = planDiff(current, desired, columnOrder);
    if (planned.migrations.length === 0) return { migrations: [], notes: planned.notes, lint: [], problems: [], desired: desiredFrom };
    const migrations = await writeDraft(config.dir, description, desiredFrom, planned.migrations, options.now);
    const written = new Set(migrations.flatMap((migration) => [migration.up, migration.down]));
    const lint = (await lintProject({ config, reportOn: written })).diagnostics.filter((diagnostic) => written.has(diagnostic.file));
    const problems = lint
      .filter((diagnostic) => diagnostic.severity === 'error')
      .map((diagnostic) => `lint: ${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.message} (${diagnostic.rule})`);
    problems.push(...(await roundTrips(workspace.db, config, tracking, trip.current, desired, signal)));
    return { migrations, notes: planned.notes, lint, problems, desired: desiredFrom };
  } finally {
    signal?.removeEventListener('abort', abandon);
    for (const database of databases) await database.dispose();
  }
}

/** Every migration applied, as `up` would; a file that fails stops diff (the current schema is unknown). */
async function applyAll(db: DatabaseSession, config: Config, tracking: TrackingTable): Promise<{ current: CatalogSnapshot }> {
  const trip = await RoundTrip.start(db, loadMigrations(config.dir), tracking, config);
  await trip.upTo();
  return { current: await trip.snapshot() };
}

async function readDesired(
  options: DiffOptions,
  config: Config,
  cwd: string,
  server: ResolvedConnection | null,
  openOptions: OpenOptions,
  tracking: TrackingTable,
  databases: ThrowawayDatabase[],
): Promise<{ snapshot: CatalogSnapshot; description: string; positions: Map<string, number> }> {
  if (options.toUrl !== undefined) {
    const connection = resolveConnection(config, { url: options.toUrl, env: options.env });
    const db = await openDatabase(connection, { ...openOptions, applicationName: 'sqlmig diff' });
    try {
      // Read only: diff never changes the database it compares with.
      await db.exec('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
      return { snapshot: await takeSnapshot(db, tracking, { exactDefinitions: true }), description: connection.redacted, positions: await columnPositions(db) };
    } finally {
      await db.close();
    }
  }
  // The project's schema dump (config dumpSchema) is the file to edit, when it keeps one.
  const path = options.to !== undefined ? resolve(cwd, options.to) : (config.dumpSchema ?? resolve(cwd, DEFAULT_SCHEMA_FILE));
  let sql: string;
  try {
    sql = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FileError(`cannot read the desired schema ${path}: ${fsErrorReason(error)}`, {
      location: { file: path },
      hint: options.to === undefined ? 'pass --to <file> or --to-url <database>, or write schema.sql (`sqlmig dump -o schema.sql`)' : undefined,
      cause: error,
    });
  }
  const scratch = await openThrowaway(server, openOptions);
  databases.push(scratch);
  try {
    await scratch.db.exec(sql);
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    const at = error.position === undefined ? {} : new LineIndex(sql).position(stringOffsetOf(sql, error.position, scratch.db.positionUnit));
    throw new MigrationError(`the desired schema does not build: ${error.message}`, {
      location: { file: path, ...at },
      hint: 'fix the file; diff loads it into an empty database',
      cause: error,
    });
  }
  return { snapshot: await takeSnapshot(scratch.db, tracking, { exactDefinitions: true }), description: path, positions: await columnPositions(scratch.db) };
}

/**
 * Where each column stands in its table, named as snapshots name columns.
 * Not part of the snapshot: a column added again by a down file comes last,
 * and verify must not call that a difference.
 */
async function columnPositions(db: DatabaseSession): Promise<Map<string, number>> {
  const rows = await db.query<{ name: string; position: number }>(
    `SELECT n.nspname || '.' || c.relname || '.' || a.attname AS name, a.attnum::int AS position
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
  );
  return new Map(rows.map((row) => [row.name, Number(row.position)]));
}

async function writeDraft(dir: string, description: string, desiredFrom: string, planned: readonly DraftMigration[], now?: Date): Promise<DraftedMigration[]> {
  const written: DraftedMigration[] = [];
  for (const migration of planned) {
    const directive = migration.noTransaction ? '-- sqlmig:no-transaction\n' : '';
    const title = migration.suffix === '' ? description : `${description} ${migration.suffix}`;
    const body = (statements: readonly string[]) => (statements.length === 0 ? '-- nothing to do\n' : `${statements.join('\n\n')}\n`);
    const created = await createMigration(dir, title, {
      now,
      content: {
        up: (fileName, text) =>
          `${directive}-- ${fileName}: ${text}\n-- Drafted by sqlmig diff from ${desiredFrom}: review it, then run sqlmig lint and sqlmig verify.\n\n${body(migration.up)}`,
        down: (fileName, upFileName) => `${directive}-- ${fileName}: reverts ${upFileName}\n\n${body(migration.down)}`,
      },
    });
    written.push({ up: created.up, down: created.down, noTransaction: migration.noTransaction });
  }
  return written;
}

const AFTER_DRAFT = { added: 'not in the desired schema', removed: 'missing', changed: 'differs from the desired schema' };
const AFTER_DOWN = { added: 'left behind by down', removed: 'missing after down', changed: 'changed by up and down' };
const AFTER_UP_AGAIN = { added: 'extra after up again', removed: 'missing after up again', changed: 'changed after up again' };

/**
 * verify's round trip for each drafted migration, in the database where the
 * earlier ones are applied; then the schema must be the desired one.
 */
async function roundTrips(
  db: DatabaseSession,
  config: Config,
  tracking: TrackingTable,
  current: CatalogSnapshot,
  desired: CatalogSnapshot,
  signal?: AbortSignal,
): Promise<string[]> {
  const loaded = loadMigrations(config.dir);
  const trip = await RoundTrip.start(db, loaded, tracking, config);
  const chosen = plan({ set: loaded.set, checksums: loaded.checksums, applied: await readApplied(db, tracking) }, { direction: 'up' });
  if (chosen.refusals.length > 0) throw new PlanRefusedError(chosen.refusals, config.dir);
  const problems: string[] = [];
  let before = current;
  for (const step of chosen.steps) {
    const migration = loaded.set.migrations.find((m) => m.version === step.version)!;
    const outcome = await verifyOne(trip, migration, before, signal);
    const { verification } = outcome;
    const label = migration.up!.fileName;
    if (verification.failure) {
      const { error } = verification.failure;
      const where = error.location ? `${error.location.file}:${error.location.line ?? 1}:${error.location.column ?? 1}: ` : '';
      problems.push(`verify: ${label} failed on ${verification.failure.phase}: ${where}${error.message}`);
    }
    for (const change of verification.afterDown) problems.push(`verify: ${label}: ${describeChange(change, AFTER_DOWN)}`);
    for (const change of verification.afterUpAgain) problems.push(`verify: ${label}: ${describeChange(change, AFTER_UP_AGAIN)}`);
    if (outcome.next === null) return problems;
    before = outcome.next;
  }
  const comparable = (snapshot: CatalogSnapshot) => snapshot.map((object) => ({ ...object, properties: normalized(object) }));
  for (const change of diffSnapshots(comparable(desired), comparable(before))) problems.push(`schema after the draft: ${describeChange(change, AFTER_DRAFT)}`);
  return problems;
}

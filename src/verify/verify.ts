import { loadConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { MigrationError } from '../errors.js';
import type { Migration, MigrationSet } from '../migrations/types.js';
import { loadParser } from '../parse/index.js';
import { loadMigrations } from '../runner/files.js';
import { plan } from '../runner/plan.js';
import { PlanRefusedError } from '../runner/refused.js';
import { trackingTable } from '../runner/tracking.js';
import { LintPredictions } from './lint-predictions.js';
import { atLeast, type LockMode } from './lock-modes.js';
import { RoundTrip } from './round-trip.js';
import { diffSnapshots, type CatalogSnapshot, type SchemaChange } from './snapshot.js';
import { throwawayServer, withThrowaway, type ThrowawayEvent, type ThrowawayRunOptions } from './throwaway.js';
import type { LockObservation, MigrationTrace, TraceContext } from './trace.js';

export interface VerifyOptions extends ThrowawayRunOptions {
  onEvent?: (event: VerifyEvent) => void;
  /**
   * Observe what each transactional up file really locks and rewrites, statement by statement, on the tables
   * and indexes that existed before it, and hold it against the lock rules' findings (`trace` of each
   * migration). The throwaway tables are empty: lock modes and rewrites are as in production, durations are not.
   */
  trace?: boolean;
  /** Implies `trace`: a migration that takes this lock mode or a stronger one on a table that existed before fails the run (`lockGate`). */
  failOnLock?: LockMode;
}

export type VerifyEvent =
  /** A migration's round trip is over (whatever its outcome). */
  { type: 'migration'; migration: MigrationVerification } | ThrowawayEvent;

/**
 * - `verified`: down restored the schema from before up, and up again gave the schema of the first up.
 * - `failed`: it did not, or a file failed to run (see `failure`).
 * - `not-verifiable`: no down file (a problem: verify fails); it stays applied and the next migrations are verified on top.
 * - `not-run`: an earlier failure left no state to go on from.
 */
export type VerificationStatus = 'verified' | 'failed' | 'not-verifiable' | 'not-run';

export type Phase = 'up' | 'down' | 'up again';

export interface MigrationVerification {
  version: number;
  name: string;
  /** Absolute paths. */
  upFile: string;
  downFile: string | null;
  status: VerificationStatus;
  /** How the schema after down differs from the schema before up (empty when down reverts up). */
  afterDown: SchemaChange[];
  /** How the schema after up again differs from the schema after the first up. */
  afterUpAgain: SchemaChange[];
  /** A file that failed to run, located in the file by the runner. */
  failure: { phase: Phase; error: MigrationError } | null;
  durationMs: number;
  /** With `trace`: what the first up did to what existed before it; null without trace, or when up did not run. */
  trace: MigrationTrace | null;
}

export interface VerifyResult {
  /** Every migration was verified: none failed, none lacked a down file. */
  ok: boolean;
  /** Where it ran: `PGlite in memory`, or the temporary database's redacted URL. */
  database: string;
  migrations: MigrationVerification[];
  /** Why the run stopped before the last migration; null when it did not. */
  stopped: string | null;
  durationMs: number;
  /** Whether the migrations were traced (`trace` or `failOnLock`). */
  traced: boolean;
  /** With `failOnLock`: the mode, and every lock on a pre-existing table at or above it (any makes `ok` false). */
  lockGate: { mode: LockMode; violations: LockObservation[] } | null;
}

/**
 * The round-trip test: in a throwaway database, for each migration in
 * version order, snapshot, up, snapshot, down (must give the first
 * snapshot), up again (must give the second). Files run through the runner's
 * planner and executor, exactly as `up` and `down` run them. A down that does
 * not revert is reported and the run goes on from the state it left, as long
 * as up applies again; a file that fails stops it. Throws PlanRefusedError
 * (broken file set, unknown --to), ConnectionError; never prints or exits.
 */
export async function verify(options: VerifyOptions = {}): Promise<VerifyResult> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? (await loadConfig({ cwd, env: options.env }));
  const server = throwawayServer(config, options, 'verify');
  const loaded = loadMigrations(config.dir);
  const chosen = plan({ set: loaded.set, checksums: loaded.checksums, applied: [] }, { direction: 'up', to: options.to });
  if (chosen.refusals.length > 0) throw new PlanRefusedError(chosen.refusals, cwd);
  const migrations = chosen.steps.map((step) => loaded.set.migrations.find((m) => m.version === step.version)!);

  const onEvent = options.onEvent ?? (() => {});
  const { signal } = options;
  return withThrowaway(server, { wait: options.wait, signal, onEvent }, async (database) => {
      const table = trackingTable(config.schema, config.table);
      const trip = await RoundTrip.start(database.db, loaded, table, config);
      const trace = options.trace || options.failOnLock !== undefined ? await traceContext(config, loaded.set, table) : undefined;
      const results: MigrationVerification[] = [];
      let stopped: string | null = null;
      let current = await trip.snapshot();
      for (const migration of migrations) {
        if (stopped !== null) {
          results.push(notRun(migration));
          continue;
        }
        const outcome = await verifyOne(trip, migration, current, signal, trace);
        results.push(outcome.verification);
        onEvent({ type: 'migration', migration: outcome.verification });
        if (outcome.next === null) stopped = outcome.stopReason;
        else current = outcome.next;
      }
      const lockGate = options.failOnLock === undefined ? null : gate(options.failOnLock, results);
      return {
        // A migration that could not be checked is a problem, not a pass: a set without down files must not pass vacuously.
        ok: results.every((m) => m.status === 'verified') && (lockGate?.violations.length ?? 0) === 0,
        database: database.description,
        migrations: results,
        stopped,
        durationMs: Math.round(performance.now() - started),
        traced: trace !== undefined,
        lockGate,
      };
  });
}

async function traceContext(config: Config, set: MigrationSet, table: TraceContext['table']): Promise<TraceContext> {
  // The trace splits each file into statements with their lines.
  await loadParser();
  return { predictions: await LintPredictions.of(config, set), table, schema: config.schema };
}

/** Locks of `mode` or stronger on tables that existed before their migration (a lock on an index alone does not count). */
function gate(mode: LockMode, results: readonly MigrationVerification[]): NonNullable<VerifyResult['lockGate']> {
  const violations = results.flatMap((m) => m.trace?.locks ?? []).filter((lock) => lock.kind === 'table' && lock.mode !== null && atLeast(lock.mode, mode));
  return { mode, violations };
}

type Outcome =
  | { verification: MigrationVerification; next: CatalogSnapshot }
  | { verification: MigrationVerification; next: null; stopReason: string };

async function verifyOne(trip: RoundTrip, migration: Migration, before: CatalogSnapshot, signal?: AbortSignal, trace?: TraceContext): Promise<Outcome> {
  const started = performance.now();
  const verification: MigrationVerification = {
    version: migration.version,
    name: migration.name,
    upFile: migration.up!.path,
    downFile: migration.down?.path ?? null,
    status: 'failed',
    afterDown: [],
    afterUpAgain: [],
    failure: null,
    durationMs: 0,
    trace: null,
  };
  const finish = (status: VerificationStatus) => {
    verification.status = status;
    verification.durationMs = Math.round(performance.now() - started);
    return verification;
  };
  const label = migration.up!.fileName.replace(/\.up\.sql$/, '');
  const run = async (phase: Phase): Promise<boolean> => {
    signal?.throwIfAborted();
    try {
      const traced = await trip.apply(phase === 'down' ? 'down' : 'up', migration, phase === 'up' ? trace : undefined);
      if (phase === 'up') verification.trace = traced;
      return true;
    } catch (error) {
      // Aborting ends the session mid-statement: that failure is the abort, not the migration's.
      signal?.throwIfAborted();
      if (!(error instanceof MigrationError)) throw error;
      verification.failure = { phase, error };
      return false;
    }
  };

  if (!(await run('up'))) {
    return { verification: finish('failed'), next: null, stopReason: `${label} failed to apply, so the migrations after it were not run` };
  }
  const applied = await trip.snapshot();
  if (!migration.down) return { verification: finish('not-verifiable'), next: applied };

  if (!(await run('down'))) {
    const failure = verification.failure!;
    // A transactional down rolled back: the migration is still applied and the run can go on.
    if (failure.error.code !== 'MIGRATION_DIRTY') return { verification: finish('failed'), next: applied };
    return {
      verification: finish('failed'),
      next: null,
      stopReason: `${label}'s down ran outside a transaction and failed part-way, so the schema is unknown and the migrations after it were not run`,
    };
  }
  verification.afterDown = diffSnapshots(before, await trip.snapshot());

  if (!(await run('up again'))) {
    return {
      verification: finish('failed'),
      next: null,
      stopReason: `${label} could not be applied again after its down, so the migrations after it were not run`,
    };
  }
  const reapplied = await trip.snapshot();
  verification.afterUpAgain = diffSnapshots(applied, reapplied);
  const reverts = verification.afterDown.length === 0 && verification.afterUpAgain.length === 0;
  return { verification: finish(reverts ? 'verified' : 'failed'), next: reapplied };
}

function notRun(migration: Migration): MigrationVerification {
  return {
    version: migration.version,
    name: migration.name,
    upFile: migration.up!.path,
    downFile: migration.down?.path ?? null,
    status: 'not-run',
    afterDown: [],
    afterUpAgain: [],
    failure: null,
    durationMs: 0,
    trace: null,
  };
}

import { hostname } from 'node:os';
import type { Config } from '../config/types.js';
import type { DatabaseSession } from '../db/port.js';
import { serverMajorVersion } from '../db/server-version.js';
import type { Diagnostic } from '../lint/diagnostic.js';
import type { MigrationFile, MigrationSet } from '../migrations/types.js';
import { confirmDown, type Confirm } from './confirm.js';
import { execute, type StepResult } from './execute.js';
import { ProgressNotes } from './progress-note.js';
import { assertSendable, loadMigrations, planInput, sourcesOf, type LoadedMigrations } from './files.js';
import { plan, planRedo, type PlanInput } from './plan.js';
import { sequenceLintGate } from './lint-gate.js';
import { LintRefusedError, PlanRefusedError } from './refused.js';
import { renderScript, stepScript, type ScriptContext } from './script.js';
import { resolveTarget, withSession, type RunnerOptions, type Target } from './session.js';
import { loadSplitterFor, splitStatements } from './split.js';
import { createTableSql } from './tracking.js';
import type { AppliedMigration, Plan, PlanStep } from './types.js';

/**
 * Lints the migration sequence and returns the findings on `files` (the
 * migrations about to be applied). `up` refuses to run when any is an error.
 */
export type LintGate = (files: readonly MigrationFile[], context: { config: Config; set: MigrationSet }) => Promise<readonly Diagnostic[]>;

export interface MigrateOptions extends RunnerOptions {
  /** `up` (default), `down`, or `redo` (down one, up one). */
  direction?: 'up' | 'down' | 'redo';
  /** up: apply up to and including this version; down: revert everything newer (0: all). */
  to?: number;
  /** At most this many migrations (down: default 1). */
  step?: number;
  /** Apply pending versions older than the newest applied one. */
  allowOutOfOrder?: boolean;
  /** Plan and render the SQL, run nothing (no lock taken, nothing created). */
  dryRun?: boolean;
  /** The lint gate for the files about to be applied (default: the sequence linter); false: none (`--no-lint`). */
  lintGate?: LintGate | false;
  /**
   * Reverting more than one migration, or a down file that drops a table or
   * column, needs `yes: true` or a `confirm` that agrees (the CLI's --yes or
   * a terminal); otherwise the run stops with CONFIRMATION_REQUIRED before
   * anything runs. Dry runs never ask.
   */
  yes?: boolean;
  confirm?: Confirm;
}

export interface MigrateResult {
  direction: 'up' | 'down' | 'redo';
  dryRun: boolean;
  /** What was (or, in a dry run, would be) run, in order. */
  steps: PlanStep[];
  /** The steps that ran, with durations (empty in a dry run). */
  results: StepResult[];
  /** Exactly what is (or would be) sent, tracking statements included. */
  sql: string;
  /** The newest applied version afterwards; null when none. */
  current: number | null;
  durationMs: number;
}

/**
 * Applies or reverts migrations: plan (refusing on any problem before
 * anything runs), lint gate, then each migration in its own transaction
 * with its tracking row. Throws PlanRefusedError / LintRefusedError (exit 1),
 * MigrationError (exit 1), ConnectionError (exit 2); never prints or exits.
 */
export async function migrate(options: MigrateOptions = {}): Promise<MigrateResult> {
  const started = performance.now();
  const target = await resolveTarget(options);
  const direction = options.direction ?? 'up';
  const dryRun = options.dryRun === true;
  return withSession(target, options, dryRun ? 'read' : 'change', async (session) => {
    const loaded = loadMigrations(target.config.dir, target.cacheDir, target.folderListing);
    const input = planInput(loaded, session.applied, target.renumbered);
    const chosen = planFor(input, direction, options);
    if (chosen.refusals.length > 0) throw new PlanRefusedError(chosen.refusals, target.cwd, direction === 'up' ? 'up' : 'other');
    await lintGate(chosen.steps, target, loaded, session.db, options.lintGate);

    const context: ScriptContext = {
      table: target.table,
      settings: {
        lockTimeout: target.config.lockTimeout,
        statementTimeout: target.config.statementTimeout,
        ...(options.searchPath !== undefined ? { searchPath: options.searchPath } : {}),
      },
      host: hostname(),
      split: splitStatements,
      reset: session.db.resetSql,
    };
    const sources = sourcesOf(
      chosen.steps.map((step) => step.file),
      loaded,
    );
    for (const source of sources) assertSendable(source);
    if (!dryRun) await confirmDown(chosen.steps, sources, { yes: options.yes, confirm: options.confirm, cwd: target.cwd });
    await loadSplitterFor(sources);
    // An up file's row records the checksum of the text that runs (read now, even where the plan had it from the cache).
    const scripts = chosen.steps.map((step, index) => {
      const source = sources[index]!;
      return stepScript(step, source, step.direction === 'up' ? source.checksum : (loaded.checksums.get(step.version) ?? ''), context);
    });
    const { tableExists, schemaExists } = session.tableFound;
    let sql: string | undefined;
    const render = () => [tableExists ? '' : `${createTableSql(target.table, schemaExists)}\n`, ...scripts.map(renderScript)].join('\n').trimStart();
    const results = dryRun ? [] : await execute(
      session.db,
      scripts,
      options.onEvent,
      options.signal,
      target.cacheDir ? new ProgressNotes(target.cacheDir, target.table) : undefined,
      target.config.lockRetries,
    );
    return {
      direction,
      dryRun,
      steps: chosen.steps,
      results,
      // Rendered when first read (--sql, a library caller): a run of thousands of migrations need not hold its script twice.
      get sql() {
        return (sql ??= render());
      },
      current: currentAfter(session.applied, chosen.steps),
      durationMs: Math.round(performance.now() - started),
    };
  });
}

function planFor(input: PlanInput, direction: 'up' | 'down' | 'redo', options: MigrateOptions): Plan {
  if (direction === 'redo') return planRedo(input);
  if (direction === 'down') return plan(input, { direction, to: options.to, step: options.step });
  return plan(input, { direction, to: options.to, step: options.step, allowOutOfOrder: options.allowOutOfOrder });
}

async function lintGate(
  steps: readonly PlanStep[],
  target: Target,
  loaded: LoadedMigrations,
  db: DatabaseSession,
  gate: LintGate | false = sequenceLintGate,
): Promise<void> {
  const files = steps.filter((step) => step.direction === 'up').map((step) => step.file);
  if (gate === false || files.length === 0) return;
  // The server the files are about to run on knows its version better than the config does.
  const postgresVersion = await serverMajorVersion(db);
  const config = { ...target.config, lint: { ...target.config.lint, postgresVersion } };
  const errors = (await gate(files, { config, set: loaded.set })).filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new LintRefusedError(errors, target.cwd);
}

/** The newest applied version once `steps` have run. */
function currentAfter(applied: readonly AppliedMigration[], steps: readonly PlanStep[]): number | null {
  const versions = new Set(applied.map((row) => row.version));
  for (const step of steps) {
    if (step.direction === 'up') versions.add(step.version);
    else versions.delete(step.version);
  }
  return versions.size === 0 ? null : Math.max(...versions);
}

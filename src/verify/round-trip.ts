import { hostname } from 'node:os';
import type { Config } from '../config/types.js';
import type { DatabaseSession } from '../db/port.js';
import type { Migration } from '../migrations/types.js';
import { execute } from '../runner/execute.js';
import { sourcesOf, type LoadedMigrations } from '../runner/files.js';
import { plan, type PlanInput } from '../runner/plan.js';
import { PlanRefusedError } from '../runner/refused.js';
import { stepScript, type ScriptContext } from '../runner/script.js';
import { loadSplitterFor, splitStatements } from '../runner/split.js';
import { createTableSql, readApplied, tableState, type TrackingTable } from '../runner/tracking.js';
import { takeSnapshot, type CatalogSnapshot } from './snapshot.js';
import { traceStep, type MigrationTrace, type TraceContext } from './trace.js';

/**
 * Applies and reverts single migrations in the throwaway database the way
 * `up` and `down` do: the planner picks the step from the tracking rows, the
 * executor runs it (its own transaction with the tracking row, or statement
 * by statement for `-- sqlmig:no-transaction`) and maps errors to file:line:col.
 */
export class RoundTrip {
  private constructor(
    private readonly db: DatabaseSession,
    private readonly loaded: LoadedMigrations,
    private readonly table: TrackingTable,
    private readonly context: ScriptContext,
  ) {}

  /** Creates the tracking table first, so that it (left out of snapshots) is there before the first snapshot. */
  static async start(db: DatabaseSession, loaded: LoadedMigrations, table: TrackingTable, config: Config): Promise<RoundTrip> {
    await db.exec(createTableSql(table, (await tableState(db, table)).schemaExists));
    const context: ScriptContext = {
      table,
      settings: { lockTimeout: config.lockTimeout, statementTimeout: config.statementTimeout },
      host: hostname(),
      split: splitStatements,
      reset: db.resetSql,
    };
    return new RoundTrip(db, loaded, table, context);
  }

  snapshot(): Promise<CatalogSnapshot> {
    return takeSnapshot(this.db, this.table);
  }

  /** Applies every pending migration up to `to` (all when undefined), as `up --to` does. Throws MigrationError. */
  async upTo(to?: number): Promise<void> {
    const input: PlanInput = { set: this.loaded.set, checksums: this.loaded.checksums, applied: await readApplied(this.db, this.table) };
    const chosen = plan(input, { direction: 'up', to });
    if (chosen.refusals.length > 0) throw new PlanRefusedError(chosen.refusals, this.loaded.set.dir);
    const sources = sourcesOf(
      chosen.steps.map((step) => step.file),
      this.loaded,
    );
    await loadSplitterFor(sources);
    const scripts = chosen.steps.map((step, index) => stepScript(step, sources[index]!, this.loaded.checksums.get(step.version) ?? '', this.context));
    await execute(this.db, scripts);
  }

  /**
   * Runs `migration`'s up file (every earlier one is applied) or its down file (it is the newest applied).
   * With `trace`, what the file locks and rewrites is observed statement by statement (see trace.ts) and
   * returned. Throws MigrationError.
   */
  async apply(direction: 'up' | 'down', migration: Migration, trace?: TraceContext): Promise<MigrationTrace | null> {
    const input: PlanInput = { set: this.loaded.set, checksums: this.loaded.checksums, applied: await readApplied(this.db, this.table) };
    const chosen = direction === 'up' ? plan(input, { direction, to: migration.version }) : plan(input, { direction, step: 1 });
    if (chosen.refusals.length > 0) throw new PlanRefusedError(chosen.refusals, this.loaded.set.dir);
    const [step, ...more] = chosen.steps;
    if (step?.version !== migration.version || more.length > 0) {
      throw new Error(`verify expected to ${direction} version ${migration.version} alone, the planner chose ${chosen.steps.map((s) => s.version).join(', ')}`);
    }
    const sources = sourcesOf([step.file], this.loaded);
    await loadSplitterFor(sources);
    const script = stepScript(step, sources[0]!, this.loaded.checksums.get(step.version) ?? '', this.context);
    if (!trace) {
      await execute(this.db, [script]);
      return null;
    }
    return traceStep(this.db, script, trace, (afterStatement) => execute(this.db, [script], undefined, undefined, undefined, 0, afterStatement));
  }
}

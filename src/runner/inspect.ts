import type { Diagnostic } from '../lint/diagnostic.js';
import type { FileProblem } from '../migrations/types.js';
import { loadMigrations, planInput } from './files.js';
import type { LintGate } from './migrate.js';
import { sequenceLintGate } from './lint-gate.js';
import { upRefusals } from './plan.js';
import { resolveTarget, withSession, type RunnerOptions } from './session.js';
import { ProgressNotes } from './progress-note.js';
import { statusRows, type StatusRow } from './status.js';
import type { AppliedMigration, Refusal } from './types.js';

/** Every migration in the files or the tracking table: applied, pending, edited, missing, dirty or without up file. Read-only. */
export async function status(options: RunnerOptions = {}): Promise<StatusRow[]> {
  return (await statusReport(options)).rows;
}

export interface StatusReport {
  rows: StatusRow[];
  /** What is wrong with the files themselves (names, duplicate versions, down files without up file): up refuses them. */
  problems: FileProblem[];
}

/** status() with the file problems that `up`, `validate` and `verify` refuse. Read-only. */
export async function statusReport(options: RunnerOptions = {}): Promise<StatusReport> {
  const target = await resolveTarget(options);
  return withSession(target, options, 'read', async (session) => {
    const loaded = loadMigrations(target.config.dir, target.cacheDir, target.folderListing);
    const input = planInput(loaded, session.applied);
    const problems = loaded.set.problems;
    const rows = statusRows(input.set, input.checksums, input.applied);
    if (!target.cacheDir) return { rows, problems };
    const notes = new ProgressNotes(target.cacheDir, target.table);
    const withProgress = rows.map((row) => {
      const progress = row.state === 'dirty' ? notes.read(row.version) : undefined;
      return progress ? { ...row, progress } : row;
    });
    return { rows: withProgress, problems };
  });
}

/** The tracking rows, oldest first (by applied_at, then version). Needs no migration files. Read-only. */
export async function history(options: RunnerOptions = {}): Promise<AppliedMigration[]> {
  const target = await resolveTarget(options);
  return withSession(target, options, 'read', async (session) =>
    [...session.applied].sort((a, b) => a.appliedAt.getTime() - b.appliedAt.getTime() || a.version - b.version),
  );
}

export interface ValidateOptions extends RunnerOptions {
  allowOutOfOrder?: boolean;
  /** As for `migrate` (default: the sequence linter); false: no lint check. */
  lintGate?: LintGate | false;
}

export interface ValidateResult {
  /** What `up` would refuse for. */
  refusals: Refusal[];
  /** Error-severity lint findings on the pending files (when a gate is given). */
  lintErrors: Diagnostic[];
  pending: number;
  applied: number;
}

/** Every check `up` makes before applying, without applying or locking anything. */
export async function validate(options: ValidateOptions = {}): Promise<ValidateResult> {
  const target = await resolveTarget(options);
  return withSession(target, options, 'read', async (session) => {
    const loaded = loadMigrations(target.config.dir, target.cacheDir, target.folderListing);
    const refusals = upRefusals(planInput(loaded, session.applied, target.renumbered), options.allowOutOfOrder);
    const appliedVersions = new Set(session.applied.map((row) => row.version));
    const pendingFiles = loaded.set.migrations.flatMap((m) => (m.up && !appliedVersions.has(m.version) ? [m.up] : []));
    const gate = options.lintGate ?? sequenceLintGate;
    const findings = gate && pendingFiles.length > 0 ? await gate(pendingFiles, { config: target.config, set: loaded.set }) : [];
    return {
      refusals,
      lintErrors: findings.filter((d) => d.severity === 'error'),
      pending: pendingFiles.length,
      applied: session.applied.length,
    };
  });
}

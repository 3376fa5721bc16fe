import type { Direction, MigrationFile } from '../migrations/types.js';

/** A row of the tracking table. */
export interface AppliedMigration {
  version: number;
  name: string;
  /** sha256 hex of the up file when it was applied. */
  checksum: string;
  appliedAt: Date;
  durationMs: number | null;
  appliedBy: string | null;
  /** A no-transaction migration started but did not finish cleanly. */
  dirty: boolean;
}

/** One migration to run, in one direction. */
export interface PlanStep {
  direction: Direction;
  version: number;
  name: string;
  /** The file that runs: the up file, or the down file when reverting. */
  file: MigrationFile;
}

export type RefusalKind =
  | 'dirty'
  | 'edited'
  | 'missing-file'
  | 'out-of-order'
  | 'no-down-file'
  | 'file-problem'
  | 'unknown-version'
  /** The history table of the tool being taken over from says dirty or failed (`stamp --from`). */
  | 'old-history'
  /** In place, versions are positions (1, 2, …) and an applied row's position now holds another migration. */
  | 'renumbered';

/** A reason not to run anything, naming the file and what to do. Data, never thrown by the planner. */
export interface Refusal {
  kind: RefusalKind;
  version?: number;
  /** Absolute path of the file concerned (for a missing file: where it was expected). */
  file?: string;
  message: string;
  hint: string;
}

export interface Plan {
  direction: Direction | 'redo';
  steps: PlanStep[];
  /** Non-empty means: run nothing. */
  refusals: Refusal[];
}

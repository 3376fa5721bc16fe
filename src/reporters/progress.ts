import pc from 'picocolors';
import type { RunEvent } from '../runner/events.js';
import { describeHolder } from '../runner/lock.js';
import type { MigrateResult } from '../runner/migrate.js';
import type { PlanStep } from '../runner/types.js';

export interface ProgressOutput {
  /** One line of progress (stdout). */
  line(text: string): void;
  /** A note about waiting (stderr). */
  note(text: string): void;
  color: boolean;
  /** Also print server notices (RAISE NOTICE …). */
  verbose: boolean;
}

/**
 * Progress for up/down/redo: one line per migration as it finishes, with its
 * duration. No spinner: the lines are the same on a terminal and in a CI log.
 */
export function progressReporter(output: ProgressOutput): (event: RunEvent) => void {
  const paint = colors(output.color);
  return (event) => {
    switch (event.type) {
      case 'finished':
        output.line(`${verb(event.step, paint)} ${stepLabel(event.step)} ${paint.dim(`(${formatDuration(event.durationMs)})`)}`);
        break;
      case 'failed':
        output.line(`${paint.red('failed  ')} ${stepLabel(event.step)} ${paint.dim(`(${formatDuration(event.durationMs)})`)}`);
        break;
      case 'lock-wait':
        output.note(`waiting up to ${event.waitSeconds} s for another run to finish (${describeHolder(event.holder)})`);
        break;
      case 'lock-retry':
        output.note(
          `${stepLabel(event.step)}: a lock it needs is held (lockTimeout expired); rolled back, retry ${event.attempt} of ${event.retries} in ${formatDuration(event.pauseMs)}`,
        );
        break;
      case 'connect-retry':
        output.note(`waiting for the database: ${event.reason}`);
        break;
      case 'notice':
        if (output.verbose) output.note(`${event.notice.severity.toLowerCase()}: ${event.notice.message}`);
        break;
      case 'started':
        break;
    }
  };
}

/** The last line of a run, or what a dry run would do. */
export function runSummary(result: MigrateResult): string {
  const { steps, direction } = result;
  const now = result.current === null ? 'no migration is applied' : `now at version ${result.current}`;
  if (steps.length === 0) {
    return direction === 'up'
      ? `Nothing to do: the database is up to date (${result.current === null ? 'no migrations' : `version ${result.current}`}).`
      : 'Nothing to do: no migration is applied.';
  }
  const count = (n: number) => `${n} migration${n === 1 ? '' : 's'}`;
  const took = formatDuration(result.durationMs);
  if (direction === 'redo') return `Redid version ${steps[0]!.version} in ${took}.`;
  const verbPast = direction === 'up' ? 'Applied' : 'Reverted';
  return `${verbPast} ${count(steps.length)} in ${took}; ${now}.`;
}

/** `--dry-run`: the steps, in order. */
export function planListing(result: MigrateResult): string {
  if (result.steps.length === 0) return runSummary(result);
  const lines = result.steps.map((step) => `  ${step.direction === 'up' ? 'apply ' : 'revert'} ${stepLabel(step)}`);
  return [`Plan (dry run, nothing was run):`, ...lines].join('\n');
}

/** `0002_add_status` as in the file name. */
export function stepLabel(step: PlanStep): string {
  return step.file.fileName.replace(/\.(up|down)\.sql$/i, '');
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function verb(step: PlanStep, paint: ReturnType<typeof colors>): string {
  return step.direction === 'up' ? paint.green('applied ') : paint.yellow('reverted');
}

function colors(enabled: boolean) {
  const plain = (text: string) => text;
  return enabled ? { green: pc.green, yellow: pc.yellow, red: pc.red, dim: pc.dim } : { green: plain, yellow: plain, red: plain, dim: plain };
}

import pc from 'picocolors';
import type { RunEvent } from '../runner/events.js';
import { describeHolder } from '../runner/lock.js';
import type { MigrateResult } from '../runner/migrate.js';
import type { PlanStep } from '../runner/types.js';

type Colors = ReturnType<typeof pc.createColors>;

export interface ProgressOutput {
  /** One line of progress (stdout). */
  line(text: string): void;
  /** A note about waiting (stderr). */
  note(text: string): void;
  color: boolean;
  /** Also print server notices (RAISE NOTICE …). */
  verbose: boolean;
  /**
   * Raw writes to a terminal (stdout is a TTY): a migration still running
   * after LIVE_AFTER_MS gets a line with its elapsed time, redrawn in place.
   * Without it (a CI log) each migration gets a line when it starts instead.
   */
  live?: (text: string) => void;
}

/** A migration that takes longer than this gets the live elapsed-time line. */
const LIVE_AFTER_MS = 2000;
const LIVE_EVERY_MS = 1000;
/** Back to the start of the line and erase it. */
const CLEAR_LINE = '\r\u001b[2K';

/**
 * Progress for up/down/redo: one line per migration as it finishes, with its
 * duration. A long migration must not look like a hang: on a terminal it
 * gets a live elapsed-time line after LIVE_AFTER_MS; in a log, where a
 * redrawn line would be noise, a line as it starts.
 */
export function progressReporter(output: ProgressOutput): (event: RunEvent) => void {
  // As the CLI decided: picocolors' own defaults would read process.env and the TTY again.
  const paint = pc.createColors(output.color);
  const elapsed = output.live ? liveLine(output.live, paint) : undefined;
  // A note (a server notice while the migration runs) must not land on the end of the live line.
  const note = (text: string) => {
    elapsed?.erase();
    output.note(text);
  };
  return (event) => {
    switch (event.type) {
      case 'started':
        if (elapsed) elapsed.start(event.step);
        else output.line(`${startVerb(event.step)} ${stepLabel(event.step)}`);
        break;
      case 'finished':
        elapsed?.stop();
        output.line(`${verb(event.step, paint)} ${stepLabel(event.step)} ${paint.dim(`(${formatDuration(event.durationMs)})`)}`);
        break;
      case 'failed':
        elapsed?.stop();
        output.line(`${paint.red('failed  ')} ${stepLabel(event.step)} ${paint.dim(`(${formatDuration(event.durationMs)})`)}`);
        break;
      case 'lock-wait':
        // With --lock-wait 0 there is no wait: the error that follows names the holder.
        if (event.waitSeconds > 0) note(`waiting up to ${event.waitSeconds} s for another run to finish (${describeHolder(event.holder)})`);
        break;
      case 'lock-retry':
        output.note(
          `${stepLabel(event.step)}: a lock it needs is held (lockTimeout expired); rolled back, retry ${event.attempt} of ${event.retries} in ${formatDuration(event.pauseMs)}`,
        );
        break;
      case 'connect-retry':
        note(`waiting for the database: ${event.reason}`);
        break;
      case 'notice':
        if (output.verbose) note(`${event.notice.severity.toLowerCase()}: ${event.notice.message}`);
        break;
    }
  };
}

/**
 * The terminal's live line: drawn once the step has run LIVE_AFTER_MS, then
 * every second, and erased before the step's own line and before any note
 * (the next tick draws it again below the note). Timers are unref'd so
 * they never keep the process alive.
 */
function liveLine(write: (text: string) => void, paint: Colors) {
  let timer: NodeJS.Timeout | undefined;
  let drawn = false;
  /** Until the next redraw. */
  const erase = () => {
    if (drawn) write(CLEAR_LINE);
    drawn = false;
  };
  const stop = () => {
    clearTimeout(timer); // also clears an interval
    timer = undefined;
    erase();
  };
  return {
    start(step: PlanStep) {
      stop();
      const started = performance.now();
      const draw = () => {
        const seconds = Math.floor((performance.now() - started) / 1000);
        write(`${CLEAR_LINE}${startVerb(step)} ${stepLabel(step)} ${paint.dim(`… ${seconds} s`)}`);
        drawn = true;
      };
      timer = setTimeout(() => {
        draw();
        timer = setInterval(draw, LIVE_EVERY_MS).unref();
      }, LIVE_AFTER_MS).unref();
    },
    stop,
    erase,
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
function stepLabel(step: PlanStep): string {
  return step.file.fileName.replace(/\.(up|down)\.sql$/i, '');
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function startVerb(step: PlanStep): string {
  return step.direction === 'up' ? 'applying' : 'reverting';
}

function verb(step: PlanStep, paint: Colors): string {
  return step.direction === 'up' ? paint.green('applied ') : paint.yellow('reverted');
}


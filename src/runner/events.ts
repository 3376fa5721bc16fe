import type { Notice } from '../db/port.js';
import type { LockHolder } from './lock.js';
import type { PlanStep } from './types.js';

/** What a run reports as it goes; the CLI prints progress from these, the library passes them to `onEvent`. */
export type RunEvent =
  | { type: 'connect-retry'; reason: string }
  | { type: 'lock-wait'; holder: LockHolder | undefined; waitSeconds: number }
  | { type: 'started'; step: PlanStep }
  /** The migration failed on lock_timeout, was rolled back, and runs again after `pauseMs` (attempt `attempt` of `retries`). */
  | { type: 'lock-retry'; step: PlanStep; attempt: number; retries: number; pauseMs: number }
  | { type: 'finished'; step: PlanStep; durationMs: number }
  | { type: 'failed'; step: PlanStep; durationMs: number; error: Error }
  | { type: 'notice'; notice: Notice };

export type EventSink = (event: RunEvent) => void;

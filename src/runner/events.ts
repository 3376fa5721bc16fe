import type { Notice } from '../db/port.js';
import type { LockHolder } from './lock.js';
import type { PlanStep } from './types.js';

/** What a run reports as it goes; the CLI prints progress from these, the library passes them to `onEvent`. */
export type RunEvent =
  | { type: 'connect-retry'; reason: string }
  | { type: 'lock-wait'; holder: LockHolder | undefined; waitSeconds: number }
  | { type: 'started'; step: PlanStep }
  | { type: 'finished'; step: PlanStep; durationMs: number }
  | { type: 'failed'; step: PlanStep; durationMs: number; error: Error }
  | { type: 'notice'; notice: Notice };

export type EventSink = (event: RunEvent) => void;

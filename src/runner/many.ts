import { loadConfig, resolveConnection } from '../config/index.js';
import type { Config } from '../config/types.js';
import type { RunEvent } from './events.js';
import { migrate, type MigrateOptions, type MigrateResult } from './migrate.js';
import { runPool, type PoolOutcome } from './pool.js';
import type { RunnerOptions } from './session.js';
import { resolveTargets, type TargetSpec } from './targets.js';

/** Without --concurrency: enough to overlap round trips, few enough not to crowd a shared server. */
export const DEFAULT_CONCURRENCY = 4;

export interface ManyOptions extends Omit<RunnerOptions, 'onEvent' | 'connection'> {
  /** Loaded without `--env` (each environment target applies its own entry); default: `loadConfig({ cwd, env })`. */
  config?: Config;
  /** Several environments: `'eu,us'` or `'tenant-*'` (a glob over the names of `environments`). */
  environments?: string;
  /** Already resolved targets; default: from `environments`, else the config's `targets`, else the one configured database. */
  targets?: TargetSpec[];
  /** At most this many targets at once; default 4. */
  concurrency?: number;
  /** Run every target even after one failed; default: start no new target after the first failure (running ones finish). */
  continueOnError?: boolean;
  /** Each target's events, with the target's name. */
  onEvent?: (event: RunEvent, target: string) => void;
  /** Each target as it ends (in the order they end). */
  onTarget?: (result: TargetResult<unknown>) => void;
}

export interface TargetResult<R> {
  /** The target's name (environment, schema, query `name`, or URL without password). */
  target: string;
  /** `failed`: it threw (`error`), or its result reports problems (validate, verify: `result`). `skipped`: never started, because an earlier target failed (without `continueOnError`) or the run was interrupted. */
  status: 'ok' | 'failed' | 'skipped';
  result?: R;
  error?: Error;
  durationMs: number;
}

export interface ManyResult<R> {
  /** Every target ok. */
  ok: boolean;
  /** In the targets' order. */
  targets: TargetResult<R>[];
}

/**
 * Runs `work` once per target, each on its own session (and so under its own
 * advisory lock), at most `concurrency` at a time. Never rejects for a
 * target's failure: that is in its result. Rejects only when the targets
 * themselves cannot be found (a config error, an unreachable control database).
 */
export async function forEachTarget<R>(
  options: ManyOptions,
  work: (runner: RunnerOptions, target: TargetSpec) => Promise<R>,
  isFailure?: (result: R) => boolean,
): Promise<ManyResult<R>> {
  const targets = options.targets ?? (await targetsOf(options));
  const started = new Map<number, number>();
  const durations = new Map<number, number>();
  const outcomes = await runPool<TargetSpec, R>(
    targets,
    {
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      stopOnFailure: options.continueOnError !== true,
      ...(isFailure !== undefined ? { isFailure } : {}),
      signal: options.signal,
      onSettled: (target, outcome, index) => {
        durations.set(index, Date.now() - (started.get(index) ?? Date.now()));
        options.onTarget?.(toResult<R>(target, outcome, durations.get(index)!));
      },
    },
    (target, index) => {
      started.set(index, Date.now());
      const { onEvent } = options;
      return work(
        {
          ...options,
          config: target.config,
          connection: target.connection,
          ...(target.searchPath !== undefined ? { searchPath: target.searchPath } : {}),
          onEvent: onEvent === undefined ? undefined : (event) => onEvent(event, target.name),
        },
        target,
      );
    },
  );
  const results = outcomes.map((outcome, index) => toResult<R>(targets[index]!, outcome, durations.get(index) ?? 0));
  return { ok: results.every((result) => result.status === 'ok'), targets: results };
}

function toResult<R>(target: TargetSpec, outcome: PoolOutcome<R>, durationMs: number): TargetResult<R> {
  if (outcome.status === 'ok') return { target: target.name, status: 'ok', result: outcome.value, durationMs };
  if (outcome.status === 'failed') {
    if (outcome.error === undefined) return { target: target.name, status: 'failed', result: outcome.value, durationMs };
    const error = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
    return { target: target.name, status: 'failed', error, durationMs };
  }
  return { target: target.name, status: 'skipped', durationMs: 0 };
}

async function targetsOf(options: ManyOptions): Promise<TargetSpec[]> {
  const config = options.config ?? (await loadConfig({ cwd: options.cwd, env: options.env }));
  const found = await resolveTargets({ config, environments: options.environments, url: options.url, env: options.env, wait: options.wait });
  if (found !== null) return found;
  const connection = resolveConnection(config, { url: options.url, env: options.env });
  return [{ name: connection.redacted, config, connection }];
}

export type MigrateManyOptions = ManyOptions & Omit<MigrateOptions, keyof RunnerOptions>;

/** `migrate()` on every target (`sqlmig up` with several targets): a result per target, never a rejection for one target's failure. */
export async function migrateMany(options: MigrateManyOptions = {}): Promise<ManyResult<MigrateResult>> {
  return forEachTarget(options, (runner) => migrate({ ...options, ...runner, onEvent: runner.onEvent }));
}

import { join, relative } from 'node:path';
import type { CommandContext } from './context.js';
import { atToolPlace, formatError } from './format-error.js';
import { formatTable, seconds, type RunnerCliOptions } from './runner-options.js';
import { namesSeveralEnvironments } from '../config/index.js';
import { SqlmigError, UsageError, type ExitCode } from '../errors.js';
import { formatDuration, progressReporter } from '../reporters/progress.js';
import { forEachTarget, DEFAULT_CONCURRENCY, type TargetResult } from '../runner/many.js';
import type { RunnerOptions } from '../runner/session.js';
import { resolveTargets, type TargetSpec } from '../runner/targets.js';

/** The options of the commands that run on several targets. */
export interface ManyCliOptions extends RunnerCliOptions {
  concurrency?: string;
  continueOnError?: boolean;
}

/**
 * The targets of this run, when it has several (`--env a,b`, `--env 'tenant-*'`,
 * the config's `targets`); null: the usual one database. Every target's
 * password is registered for scrubbing before anything can print it.
 */
export async function cliTargets(ctx: CommandContext, options: ManyCliOptions): Promise<TargetSpec[] | null> {
  const envOption = ctx.globals.env;
  const several = envOption !== undefined && namesSeveralEnvironments(envOption);
  const config = await ctx.config({ withoutEnvironment: several });
  const targets = await resolveTargets({
    config,
    environments: several ? envOption : undefined,
    url: ctx.globals.url,
    env: ctx.io.env,
    wait: seconds(options.wait, '--wait'),
  });
  for (const target of targets ?? []) ctx.addSecrets(target.connection.secrets);
  if (targets === null && (options.concurrency !== undefined || options.continueOnError === true)) {
    ctx.info('note: --concurrency and --continue-on-error apply to several targets; this run has one database');
  }
  return targets;
}

/** How a command shows one target's result. */
export interface TargetReport<R> {
  /** Runs the command on one target. */
  work: (runner: RunnerOptions, target: TargetSpec) => Promise<R>;
  /** The result in one line (the progress line and the summary table). */
  line: (result: R) => string;
  /** The result as the command's own `--format json` prints it. */
  json: (result: R) => unknown;
  /** A result that counts as a failure (validate's problems, a failed verify). */
  isFailure?: (result: R) => boolean;
  /** Printed after the summary for each target that has it (the SQL of `--sql`, validate's problems). */
  details?: (result: R) => string | undefined;
}

/**
 * Runs a command on every target, at most --concurrency at a time: one line
 * per target as it finishes, a summary table, each failure in full with its
 * target, or with --format json one report per target. Exit 0 when every
 * target is ok; otherwise the worst exit code among the failures (1 for a
 * failed migration or a problem, 2 for a connection or config error), and 1
 * for targets skipped after a failure.
 */
export async function runOnTargets<R>(ctx: CommandContext, targets: TargetSpec[], options: ManyCliOptions, report: TargetReport<R>): Promise<ExitCode> {
  const json = ctx.globals.format === 'json';
  const concurrency = parseConcurrency(options.concurrency);
  const width = Math.max(0, ...targets.map((target) => target.name.length));
  ctx.err(`${targets.length} target${targets.length === 1 ? '' : 's'}, at most ${Math.min(concurrency, targets.length)} at a time${options.continueOnError ? ' (--continue-on-error)' : ''}`);
  const progress = new Map<string, (event: Parameters<NonNullable<RunnerOptions['onEvent']>>[0]) => void>();
  const result = await forEachTarget(
    {
      cwd: ctx.io.cwd,
      env: ctx.io.env,
      targets,
      concurrency,
      continueOnError: options.continueOnError === true,
      cacheDir: options.cache === false ? undefined : join(targets[0]?.config.root ?? ctx.io.cwd, '.sqlmig', 'cache'),
      wait: seconds(options.wait, '--wait'),
      lockWait: seconds(options.lockWait, '--lock-wait'),
      timeout: seconds(options.timeout, '--timeout'),
      signal: ctx.io.signal,
      // Each migration's line only with --verbose: with several targets at once they interleave; the target's line says it all.
      onEvent: (event, target) => {
        let reporter = progress.get(target);
        if (reporter === undefined) {
          reporter = progressReporter({
            line: (text) => {
              if (ctx.globals.verbose && !json) ctx.out(`[${target}] ${text}`);
            },
            note: (text) => ctx.info(`[${target}] ${text}`),
            color: ctx.color,
            verbose: ctx.globals.verbose,
          });
          progress.set(target, reporter);
        }
        reporter(event);
      },
      onTarget: (done) => {
        if (!json && !ctx.globals.quiet) ctx.out(`${statusWord(done.status).padEnd(7)} ${done.target.padEnd(width)}  ${describe(done as TargetResult<R>, report, ctx)} (${formatDuration(done.durationMs)})`);
      },
    },
    report.work,
    report.isFailure,
  );
  if (json) {
    ctx.out(JSON.stringify({ ok: result.ok, targets: result.targets.map((target) => targetJson(target, report, ctx)) }, null, 2));
  } else {
    const rows = result.targets.map((target) => [target.target, statusWord(target.status), describe(target, report, ctx)]);
    ctx.out(`\n${formatTable(['Target', 'Status', 'Result'], rows)}`);
    for (const target of result.targets) {
      const details = target.result !== undefined ? report.details?.(target.result) : undefined;
      if (details) ctx.out(`\n${target.target}:\n${details}`);
      if (target.error) ctx.err(`\n${target.target}: ${formatError(atToolPlace(target.error, ctx.inPlace(), ctx.io.cwd), { verbose: ctx.globals.verbose, cwd: ctx.io.cwd })}`);
    }
    const count = (status: TargetResult<R>['status']) => result.targets.filter((target) => target.status === status).length;
    const skipped = count('skipped');
    ctx.out(`\n${count('ok')} ok, ${count('failed')} failed${skipped > 0 ? `, ${skipped} skipped (not started after a failure; --continue-on-error runs them)` : ''}`);
  }
  return exitCodeOf(result.targets);
}

function statusWord(status: TargetResult<unknown>['status']): string {
  return status === 'ok' ? 'ok' : status === 'failed' ? 'failed' : 'skipped';
}

function describe<R>(target: TargetResult<R>, report: TargetReport<R>, ctx: CommandContext): string {
  if (target.result !== undefined) return report.line(target.result);
  if (target.error) return firstLine(formatError(atToolPlace(target.error, ctx.inPlace(), ctx.io.cwd), { verbose: false, cwd: ctx.io.cwd }).replace(/^error: /, ''));
  return 'not started';
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}

function targetJson<R>(target: TargetResult<R>, report: TargetReport<R>, ctx: CommandContext): unknown {
  const error = target.error === undefined ? undefined : (atToolPlace(target.error, ctx.inPlace(), ctx.io.cwd) as Error);
  const location = error instanceof SqlmigError ? error.location : undefined;
  return {
    target: target.target,
    status: target.status,
    durationMs: target.durationMs,
    ...(target.result !== undefined ? { result: report.json(target.result) } : {}),
    ...(error
      ? {
          error: {
            code: error instanceof SqlmigError ? error.code : 'INTERNAL',
            message: error.message,
            ...(error instanceof SqlmigError && error.hint ? { hint: error.hint } : {}),
            ...(location
              ? { file: location.file.startsWith('/') ? relative(ctx.io.cwd, location.file) : location.file, line: location.line ?? null, column: location.column ?? null }
              : {}),
          },
        }
      : {}),
  };
}

function exitCodeOf(targets: readonly TargetResult<unknown>[]): ExitCode {
  let code: ExitCode = 0;
  for (const target of targets) {
    const own: ExitCode = target.status === 'ok' ? 0 : target.error === undefined || (target.error instanceof SqlmigError && target.error.exitCode === 1) ? 1 : 2;
    if (own > code) code = own;
  }
  return code;
}

/** `--concurrency N`: a positive whole number; default 4. */
function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--concurrency expects a positive whole number, got "${value}"`);
  return Number(value);
}

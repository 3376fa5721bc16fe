import { UsageError, type ExitCode } from '../../errors.js';
import { packageVersion } from '../../package-version.js';
import { parseVersion } from '../runner-options.js';
import { cliTargets, runOnTargets, type ManyCliOptions } from '../many-targets.js';
import { parseLockMode } from '../../verify/lock-modes.js';
import { migrationLines, summaryLines, verifyJson } from '../../verify/report.js';
import { traceGithubLines, traceLines, traceSummaryLines, verifySarif } from '../../verify/trace-report.js';
import { verify as runVerify } from '../../verify/verify.js';
import type { CommandContext } from '../context.js';
import { printThrowawayEvent, throwawayRunOptions } from '../throwaway-options.js';

export interface VerifyCliOptions extends ManyCliOptions {
  to?: string;
  trace?: boolean;
  failOnLock?: string;
}

/**
 * `sqlmig verify [--url <server>] [--to V] [--wait S] [--trace] [--fail-on-lock MODE]`: the round-trip
 * test, and with --trace what each up file locks. On Ctrl-C or SIGTERM (`io.signal`) the throwaway
 * database is dropped before the process ends (run() then exits 130 / 143).
 */
export default async function verify(ctx: CommandContext, options: VerifyCliOptions): Promise<ExitCode> {
  const format = ctx.globals.format ?? 'pretty';
  // json and sarif print one document at the end, nothing before it.
  const progress = (format === 'pretty' || format === 'github') && !ctx.globals.quiet;
  const failOnLock = options.failOnLock === undefined ? undefined : parseLockMode(options.failOnLock, '--fail-on-lock');
  const { signal } = ctx.io;
  const to = options.to === undefined ? undefined : parseVersion(options.to, '--to');
  const targets = await cliTargets(ctx, options);
  if (targets !== null) {
    if (format === 'github' || format === 'sarif') {
      throw new UsageError(`verify on several targets prints pretty or json, not ${format}`, { hint: 'pick one target (--env <name> or --url) for a SARIF or GitHub report' });
    }
    // On several targets: the round trip in a temporary database on each target's server (its version, its extensions).
    return runOnTargets(ctx, targets, options, {
      work: (runner, target) =>
        runVerify({
          config: target.config,
          cwd: ctx.io.cwd,
          env: ctx.io.env,
          url: target.connection.url,
          to,
          wait: runner.wait,
          trace: options.trace === true,
          failOnLock,
          signal,
        }),
      line: (result) => summaryLines(result).join(' '),
      json: (result) => verifyJson(result, ctx.io.cwd),
      isFailure: (result) => !result.ok,
    });
  }
  try {
    const result = await runVerify({
      ...(await throwawayRunOptions(ctx, options)),
      trace: options.trace === true,
      failOnLock,
      onEvent: (event) => {
        if (event.type !== 'migration') printThrowawayEvent(ctx, event);
        else if (progress) {
          for (const line of migrationLines(event.migration, { color: ctx.color, cwd: ctx.io.cwd })) ctx.out(line);
          if (event.migration.trace) for (const line of traceLines(event.migration.trace)) ctx.out(line);
        }
      },
    });
    if (format === 'json') ctx.out(JSON.stringify(verifyJson(result, ctx.io.cwd), null, 2));
    else if (format === 'sarif') ctx.out(verifySarif(result, ctx.io.cwd, packageVersion()));
    else {
      if (format === 'github') for (const line of traceGithubLines(result.migrations, ctx.io.cwd)) ctx.out(line);
      for (const line of summaryLines(result)) ctx.out(line);
      if (result.traced) for (const line of traceSummaryLines(result)) ctx.out(line);
    }
    return result.ok ? 0 : 1;
  } catch (error) {
    if (!signal?.aborted) throw error;
    ctx.err(`interrupted (${String(signal.reason)}): the throwaway database was dropped`);
    return 1;
  }
}

import type { ExitCode } from '../../errors.js';
import { packageVersion } from '../../package-version.js';
import { parseLockMode } from '../../verify/lock-modes.js';
import { migrationLines, summaryLines, verifyJson } from '../../verify/report.js';
import { traceGithubLines, traceLines, traceSummaryLines, verifySarif } from '../../verify/trace-report.js';
import { verify as runVerify } from '../../verify/verify.js';
import type { CommandContext } from '../context.js';
import { printThrowawayEvent, throwawayRunOptions } from '../throwaway-options.js';

export interface VerifyCliOptions {
  to?: string;
  wait?: string;
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

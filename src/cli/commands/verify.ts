import type { ExitCode } from '../../errors.js';
import { parseVersion } from '../../runner/cli.js';
import { migrationLines, summaryLines, verifyJson } from '../../verify/report.js';
import { verify as runVerify } from '../../verify/verify.js';
import type { CommandContext } from '../context.js';

export interface VerifyCliOptions {
  to?: string;
}

/** Exit status of a process ended by a signal, as shells report it. */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * `sqlmig verify [--url <server>] [--to V]`: the round-trip test. Ctrl-C or
 * SIGTERM drop the temporary database before the process ends.
 */
export default async function verify(ctx: CommandContext, options: VerifyCliOptions): Promise<ExitCode> {
  const json = ctx.globals.format === 'json';
  const controller = new AbortController();
  let received: keyof typeof SIGNAL_EXIT | undefined;
  const onSignal = (signal: keyof typeof SIGNAL_EXIT) => {
    received = signal;
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runVerify({
      config: await ctx.config(),
      cwd: ctx.io.cwd,
      env: ctx.io.env,
      url: ctx.globals.url,
      to: options.to === undefined ? undefined : parseVersion(options.to, '--to'),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'migration' && !json && !ctx.globals.quiet) {
          for (const line of migrationLines(event.migration, { color: ctx.color, cwd: ctx.io.cwd })) ctx.out(line);
        } else if (event.type === 'notice' && ctx.globals.verbose) {
          ctx.info(`${event.notice.severity.toLowerCase()}: ${event.notice.message}`);
        } else if (event.type === 'cleanup-failed') {
          ctx.err(`warning: ${event.message}`);
        }
      },
    });
    if (json) ctx.out(JSON.stringify(verifyJson(result, ctx.io.cwd), null, 2));
    else for (const line of summaryLines(result)) ctx.out(line);
    return result.ok ? 0 : 1;
  } catch (error) {
    if (received === undefined) throw error;
    ctx.err(`interrupted (${received}): the throwaway database was dropped`);
    process.exit(SIGNAL_EXIT[received]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

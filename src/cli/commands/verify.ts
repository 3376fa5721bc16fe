import type { ExitCode } from '../../errors.js';
import { migrationLines, summaryLines, verifyJson } from '../../verify/report.js';
import { verify as runVerify } from '../../verify/verify.js';
import type { CommandContext } from '../context.js';
import { printThrowawayEvent, throwawayRunOptions } from '../throwaway-options.js';

export interface VerifyCliOptions {
  to?: string;
  wait?: string;
}

/**
 * `sqlmig verify [--url <server>] [--to V] [--wait S]`: the round-trip test. On Ctrl-C
 * or SIGTERM (`io.signal`) the throwaway database is dropped before the
 * process ends (run() then exits 130 / 143).
 */
export default async function verify(ctx: CommandContext, options: VerifyCliOptions): Promise<ExitCode> {
  const json = ctx.globals.format === 'json';
  const { signal } = ctx.io;
  try {
    const result = await runVerify({
      ...(await throwawayRunOptions(ctx, options)),
      onEvent: (event) => {
        if (event.type !== 'migration') printThrowawayEvent(ctx, event);
        else if (!json && !ctx.globals.quiet) {
          for (const line of migrationLines(event.migration, { color: ctx.color, cwd: ctx.io.cwd })) ctx.out(line);
        }
      },
    });
    if (json) ctx.out(JSON.stringify(verifyJson(result, ctx.io.cwd), null, 2));
    else for (const line of summaryLines(result)) ctx.out(line);
    return result.ok ? 0 : 1;
  } catch (error) {
    if (!signal?.aborted) throw error;
    ctx.err(`interrupted (${String(signal.reason)}): the throwaway database was dropped`);
    return 1;
  }
}

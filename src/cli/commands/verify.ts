import type { ExitCode } from '../../errors.js';
import { parseVersion, seconds } from '../runner-options.js';
import { cliTargets, runOnTargets, type ManyCliOptions } from '../many-targets.js';
import { migrationLines, summaryLines, verifyJson } from '../../verify/report.js';
import { verify as runVerify } from '../../verify/verify.js';
import type { CommandContext } from '../context.js';

export interface VerifyCliOptions extends ManyCliOptions {
  to?: string;
}

/**
 * `sqlmig verify [--url <server>] [--to V] [--wait S]`: the round-trip test. On Ctrl-C
 * or SIGTERM (`io.signal`) the throwaway database is dropped before the
 * process ends (run() then exits 130 / 143).
 */
export default async function verify(ctx: CommandContext, options: VerifyCliOptions): Promise<ExitCode> {
  const json = ctx.globals.format === 'json';
  const { signal } = ctx.io;
  const to = options.to === undefined ? undefined : parseVersion(options.to, '--to');
  const targets = await cliTargets(ctx, options);
  if (targets !== null) {
    // On several targets: the round trip in a temporary database on each target's server (its version, its extensions).
    return runOnTargets(ctx, targets, options, {
      work: (runner, target) =>
        runVerify({ config: target.config, cwd: ctx.io.cwd, env: ctx.io.env, url: target.connection.url, to, wait: runner.wait, signal }),
      line: (result) => summaryLines(result).join(' '),
      json: (result) => verifyJson(result, ctx.io.cwd),
      isFailure: (result) => !result.ok,
    });
  }
  try {
    const result = await runVerify({
      config: await ctx.config(),
      cwd: ctx.io.cwd,
      env: ctx.io.env,
      url: ctx.globals.url,
      to,
      wait: seconds(options.wait, '--wait'),
      signal,
      onEvent: (event) => {
        if (event.type === 'migration' && !json && !ctx.globals.quiet) {
          for (const line of migrationLines(event.migration, { color: ctx.color, cwd: ctx.io.cwd })) ctx.out(line);
        } else if (event.type === 'notice' && ctx.globals.verbose) {
          ctx.info(`${event.notice.severity.toLowerCase()}: ${event.notice.message}`);
        } else if (event.type === 'connect-retry') {
          ctx.info(`waiting for the database: ${event.reason}`);
        } else if (event.type === 'cleanup-failed') {
          ctx.err(`warning: ${event.message}`);
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

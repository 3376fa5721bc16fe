import type { ThrowawayEvent, ThrowawayRunOptions } from '../verify/throwaway.js';
import type { CommandContext } from './context.js';
import { parseVersion, seconds } from './runner-options.js';

/** `verify` and `dump`: the throwaway run their options and the global ones ask for (`--url`, `--to`, `--wait`), stopped by Ctrl-C. */
export async function throwawayRunOptions(ctx: CommandContext, options: { to?: string; wait?: string }): Promise<ThrowawayRunOptions> {
  return {
    config: await ctx.config(),
    cwd: ctx.io.cwd,
    env: ctx.io.env,
    url: ctx.globals.url,
    to: options.to === undefined ? undefined : parseVersion(options.to, '--to'),
    wait: seconds(options.wait, '--wait'),
    signal: ctx.io.signal,
  };
}

/** Prints what happens around a throwaway database (`verify`, `dump`): notices with --verbose, connection retries, a failed drop. */
export function printThrowawayEvent(ctx: CommandContext, event: ThrowawayEvent): void {
  if (event.type === 'notice') {
    if (ctx.globals.verbose) ctx.info(`${event.notice.severity.toLowerCase()}: ${event.notice.message}`);
  } else if (event.type === 'connect-retry') {
    ctx.info(`waiting for the database: ${event.reason}`);
  } else {
    ctx.err(`warning: ${event.message}`);
  }
}

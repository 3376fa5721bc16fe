import { relative, resolve } from 'node:path';
import { dump as runDump } from '../../dump/dump.js';
import type { ExitCode } from '../../errors.js';
import { writeDumpFile } from '../../migrations/dump-origin.js';
import { parseVersion, seconds } from '../runner-options.js';
import type { CommandContext } from '../context.js';

export interface DumpCliOptions {
  to?: string;
  output?: string;
  wait?: string;
}

/**
 * `sqlmig dump [--to V] [-o schema.sql] [--url <server>] [--wait S]`: the
 * schema the migrations produce, applied in a throwaway database, as SQL on
 * stdout or in a file. On Ctrl-C the throwaway database is dropped first.
 */
export default async function dump(ctx: CommandContext, options: DumpCliOptions): Promise<ExitCode> {
  const { signal } = ctx.io;
  try {
    const result = await runDump({
      config: await ctx.config(),
      cwd: ctx.io.cwd,
      env: ctx.io.env,
      url: ctx.globals.url,
      to: options.to === undefined ? undefined : parseVersion(options.to, '--to'),
      wait: seconds(options.wait, '--wait'),
      signal,
      onEvent: (event) => {
        if (event.type === 'notice' && ctx.globals.verbose) ctx.info(`${event.notice.severity.toLowerCase()}: ${event.notice.message}`);
        else if (event.type === 'connect-retry') ctx.info(`waiting for the database: ${event.reason}`);
        else if (event.type === 'cleanup-failed') ctx.err(`warning: ${event.message}`);
      },
    });
    if (options.output === undefined) {
      ctx.out(result.sql.replace(/\n$/, ''));
      return 0;
    }
    const path = resolve(ctx.io.cwd, options.output);
    writeDumpFile(path, result.sql);
    const objects = result.objectCount;
    const upTo = result.origin.to === null ? 'no migrations' : `migrations up to ${String(result.origin.to).padStart(4, '0')}`;
    ctx.info(`wrote ${relative(ctx.io.cwd, path) || path}: ${objects} ${objects === 1 ? 'object' : 'objects'} (${upTo}, applied in ${result.database})`);
    return 0;
  } catch (error) {
    if (!signal?.aborted) throw error;
    ctx.err(`interrupted (${String(signal.reason)}): the throwaway database was dropped`);
    return 1;
  }
}

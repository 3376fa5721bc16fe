import { relative, resolve } from 'node:path';
import { dump as runDump } from '../../dump/dump.js';
import type { ExitCode } from '../../errors.js';
import { writeDumpFile } from '../../migrations/dump-origin.js';
import type { CommandContext } from '../context.js';
import { printThrowawayEvent, throwawayRunOptions } from '../throwaway-options.js';

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
      ...(await throwawayRunOptions(ctx, options)),
      onEvent: (event) => printThrowawayEvent(ctx, event),
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

import type { ExitCode } from '../../errors.js';
import { runnerOptionsFrom, type RunnerCliOptions } from '../runner-options.js';
import { history } from '../../runner/inspect.js';
import type { CommandContext } from '../context.js';

/** `sqlmig current`: the newest applied version (`none` when nothing is applied). */
export default async function current(ctx: CommandContext, options: RunnerCliOptions): Promise<ExitCode> {
  const rows = await history(await runnerOptionsFrom(ctx, options));
  const newest = rows.reduce<(typeof rows)[number] | undefined>((best, row) => (!best || row.version > best.version ? row : best), undefined);
  if (ctx.globals.format === 'json') {
    ctx.out(JSON.stringify({ version: newest?.version ?? null, name: newest?.name ?? null, dirty: newest?.dirty ?? false }));
  } else {
    ctx.out(newest ? `${newest.version} ${newest.name}${newest.dirty ? ' (dirty)' : ''}` : 'none (no migration is applied)');
  }
  return 0;
}

import type { ExitCode } from '../../errors.js';
import { formatDuration } from '../../reporters/progress.js';
import { formatTable, formatTimestamp, runnerOptionsFrom, type RunnerCliOptions } from '../runner-options.js';
import { history as readHistory } from '../../runner/inspect.js';
import type { CommandContext } from '../context.js';

/** `sqlmig history`: applied migrations in the order they were applied, with duration and who applied them. */
export default async function history(ctx: CommandContext, options: RunnerCliOptions): Promise<ExitCode> {
  const rows = await readHistory(await runnerOptionsFrom(ctx, options));
  if (ctx.globals.format === 'json') {
    const entries = rows.map((row) => ({
      version: row.version,
      name: row.name,
      appliedAt: row.appliedAt.toISOString(),
      durationMs: row.durationMs,
      appliedBy: row.appliedBy,
      dirty: row.dirty,
    }));
    ctx.out(JSON.stringify(entries, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    ctx.out('No migration has been applied.');
    return 0;
  }
  const table = rows.map((row) => [
    formatTimestamp(row.appliedAt),
    String(row.version).padStart(4, '0'),
    row.name + (row.dirty ? ' (dirty)' : ''),
    row.durationMs === null ? '' : formatDuration(row.durationMs),
    row.appliedBy ?? '',
  ]);
  ctx.out(formatTable(['Applied at', 'Version', 'Name', 'Duration', 'Applied by'], table));
  return 0;
}

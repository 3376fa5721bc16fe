import type { ExitCode } from '../../errors.js';
import { printMigrateResult, runnerOptionsFrom, targetOptions, type RunnerCliOptions } from '../runner-options.js';
import { migrate } from '../../runner/migrate.js';
import type { CommandContext } from '../context.js';
import { refreshSchemaDump } from '../schema-dump.js';
import { askOnTerminal } from '../io.js';

export interface DownOptions extends RunnerCliOptions {
  to?: string;
  step?: string;
  dryRun: boolean;
  sql: boolean;
  yes: boolean;
}

/** `sqlmig down [--to V] [--step N] [--dry-run] [--sql]`: reverts applied migrations, newest first (default one). */
export default async function down(ctx: CommandContext, options: DownOptions): Promise<ExitCode> {
  const result = await migrate({
    ...(await runnerOptionsFrom(ctx, options)),
    direction: 'down',
    ...targetOptions(options),
    dryRun: options.dryRun || options.sql,
    yes: options.yes,
    confirm: askOnTerminal(ctx.io),
  });
  printMigrateResult(ctx, result, options);
  if (!options.dryRun && !options.sql) await refreshSchemaDump(ctx);
  return 0;
}

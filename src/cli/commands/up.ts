import type { ExitCode } from '../../errors.js';
import { printMigrateResult, runnerOptionsFrom, targetOptions, type RunnerCliOptions } from '../runner-options.js';
import { migrate } from '../../runner/migrate.js';
import type { CommandContext } from '../context.js';
import { refreshSchemaDump } from '../schema-dump.js';

export interface UpOptions extends RunnerCliOptions {
  to?: string;
  step?: string;
  dryRun: boolean;
  sql: boolean;
  /** false with --no-lint. */
  lint: boolean;
  allowOutOfOrder: boolean;
}

/** `sqlmig up [--to V] [--step N] [--dry-run] [--sql]`: applies pending migrations in order. */
export default async function up(ctx: CommandContext, options: UpOptions): Promise<ExitCode> {
  const result = await migrate({
    ...(await runnerOptionsFrom(ctx, options)),
    direction: 'up',
    ...targetOptions(options),
    allowOutOfOrder: options.allowOutOfOrder,
    dryRun: options.dryRun || options.sql,
    lintGate: options.lint ? undefined : false,
  });
  printMigrateResult(ctx, result, options);
  if (!options.dryRun && !options.sql) await refreshSchemaDump(ctx);
  return 0;
}

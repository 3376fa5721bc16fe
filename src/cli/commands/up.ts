import type { ExitCode } from '../../errors.js';
import { migrateJson, migrateLine, printMigrateResult, runnerOptionsFrom, targetOptions } from '../runner-options.js';
import { cliTargets, runOnTargets, type ManyCliOptions } from '../many-targets.js';
import { migrate, type MigrateOptions } from '../../runner/migrate.js';
import type { CommandContext } from '../context.js';
import { refreshSchemaDump } from '../schema-dump.js';

export interface UpOptions extends ManyCliOptions {
  to?: string;
  step?: string;
  dryRun: boolean;
  sql: boolean;
  /** false with --no-lint. */
  lint: boolean;
  allowOutOfOrder: boolean;
}

/** `sqlmig up [--to V] [--step N] [--dry-run] [--sql]`: applies pending migrations in order, on one target or several. */
export default async function up(ctx: CommandContext, options: UpOptions): Promise<ExitCode> {
  const how: MigrateOptions = {
    direction: 'up',
    ...targetOptions(options),
    allowOutOfOrder: options.allowOutOfOrder,
    dryRun: options.dryRun || options.sql,
    lintGate: options.lint ? undefined : false,
  };
  const targets = await cliTargets(ctx, options);
  if (targets !== null) {
    return runOnTargets(ctx, targets, options, {
      work: (runner) => migrate({ ...runner, ...how }),
      line: migrateLine,
      json: (result) => migrateJson(result, ctx.io.cwd),
      details: (result) => (options.sql && result.steps.length > 0 ? result.sql : undefined),
    });
  }
  const result = await migrate({ ...(await runnerOptionsFrom(ctx, options)), ...how });
  printMigrateResult(ctx, result, options);
  if (!options.dryRun && !options.sql) await refreshSchemaDump(ctx);
  return 0;
}

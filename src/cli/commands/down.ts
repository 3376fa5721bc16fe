import type { ExitCode } from '../../errors.js';
import { migrateJson, migrateLine, printMigrateResult, runnerOptionsFrom, targetOptions } from '../runner-options.js';
import { cliTargets, runOnTargets, type ManyCliOptions } from '../many-targets.js';
import { migrate, type MigrateOptions } from '../../runner/migrate.js';
import type { CommandContext } from '../context.js';
import { refreshSchemaDump } from '../schema-dump.js';
import { askOnTerminal } from '../io.js';

export interface DownOptions extends ManyCliOptions {
  to?: string;
  step?: string;
  dryRun: boolean;
  sql: boolean;
  yes: boolean;
}

/** `sqlmig down [--to V] [--step N] [--dry-run] [--sql]`: reverts applied migrations, newest first (default one), on one target or several. */
export default async function down(ctx: CommandContext, options: DownOptions): Promise<ExitCode> {
  const how: MigrateOptions = { direction: 'down', ...targetOptions(options), dryRun: options.dryRun || options.sql, yes: options.yes };
  const targets = await cliTargets(ctx, options);
  if (targets !== null) {
    // No question on the terminal: several targets would ask at once. A data-losing down needs --yes.
    return runOnTargets(ctx, targets, options, {
      work: (runner) => migrate({ ...runner, ...how }),
      line: migrateLine,
      json: (result) => migrateJson(result, ctx.io.cwd),
      details: (result) => (options.sql && result.steps.length > 0 ? result.sql : undefined),
    });
  }
  const result = await migrate({ ...(await runnerOptionsFrom(ctx, options)), ...how, confirm: askOnTerminal(ctx.io) });
  printMigrateResult(ctx, result, options);
  if (!options.dryRun && !options.sql) await refreshSchemaDump(ctx);
  return 0;
}

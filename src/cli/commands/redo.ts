import type { ExitCode } from '../../errors.js';
import { printMigrateResult, runnerOptionsFrom, type RunnerCliOptions } from '../runner-options.js';
import { migrate } from '../../runner/migrate.js';
import type { CommandContext } from '../context.js';
import { refreshSchemaDump } from '../schema-dump.js';
import { askOnTerminal } from '../io.js';

export interface RedoOptions extends RunnerCliOptions {
  /** false with --no-lint. */
  lint: boolean;
  dryRun: boolean;
  sql: boolean;
  yes: boolean;
}

/** `sqlmig redo`: reverts the newest applied migration and applies it again. */
export default async function redo(ctx: CommandContext, options: RedoOptions): Promise<ExitCode> {
  const result = await migrate({
    ...(await runnerOptionsFrom(ctx, options)),
    direction: 'redo',
    dryRun: options.dryRun || options.sql,
    yes: options.yes,
    confirm: askOnTerminal(ctx.io),
    lintGate: options.lint ? undefined : false,
  });
  printMigrateResult(ctx, result, { dryRun: options.dryRun, sql: options.sql });
  if (!options.dryRun && !options.sql) await refreshSchemaDump(ctx);
  return 0;
}

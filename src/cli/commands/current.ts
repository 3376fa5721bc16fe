import type { ExitCode } from '../../errors.js';
import { runnerOptionsFrom } from '../runner-options.js';
import { cliTargets, runOnTargets, type ManyCliOptions } from '../many-targets.js';
import { history } from '../../runner/inspect.js';
import type { AppliedMigration } from '../../runner/types.js';
import type { CommandContext } from '../context.js';

/** `sqlmig current`: the newest applied version (`none` when nothing is applied), of one target or several. */
export default async function current(ctx: CommandContext, options: ManyCliOptions): Promise<ExitCode> {
  const targets = await cliTargets(ctx, options);
  if (targets !== null) {
    return runOnTargets(ctx, targets, options, {
      work: async (runner) => newestOf(await history(runner)) ?? null,
      line: currentLine,
      json: currentJson,
    });
  }
  const newest = newestOf(await history(await runnerOptionsFrom(ctx, options)));
  ctx.out(ctx.globals.format === 'json' ? JSON.stringify(currentJson(newest)) : currentLine(newest));
  return 0;
}

function newestOf(rows: readonly AppliedMigration[]): AppliedMigration | undefined {
  return rows.reduce<AppliedMigration | undefined>((best, row) => (!best || row.version > best.version ? row : best), undefined);
}

function currentLine(newest: AppliedMigration | null | undefined): string {
  return newest ? `${newest.version} ${newest.name}${newest.dirty ? ' (dirty)' : ''}` : 'none (no migration is applied)';
}

function currentJson(newest: AppliedMigration | null | undefined): unknown {
  return { version: newest?.version ?? null, name: newest?.name ?? null, dirty: newest?.dirty ?? false };
}

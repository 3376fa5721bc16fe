import { UsageError, type ExitCode } from '../../errors.js';
import { resolve as resolveDirty } from '../../runner/admin.js';
import { parseVersion, runnerOptionsFrom, type RunnerCliOptions } from '../runner-options.js';
import type { CommandContext } from '../context.js';

export interface ResolveOptions extends RunnerCliOptions {
  applied?: boolean;
  rolledBack?: boolean;
}

/** `sqlmig resolve <version> --applied|--rolled-back`: clears a dirty row after the database was fixed by hand. */
export default async function resolve(ctx: CommandContext, version: string, options: ResolveOptions): Promise<ExitCode> {
  if (options.applied === options.rolledBack) {
    throw new UsageError('say what happened: --applied (the migration took effect) or --rolled-back (it did not)');
  }
  const target = parseVersion(version, 'resolve');
  const as = options.applied ? 'applied' : 'rolled-back';
  await resolveDirty({ ...(await runnerOptionsFrom(ctx, options)), version: target, as });
  ctx.out(
    as === 'applied'
      ? `Version ${target} is recorded as applied and no longer dirty.`
      : `Version ${target} is recorded as not applied (its row was removed); \`sqlmig up\` will run it again.`,
  );
  return 0;
}

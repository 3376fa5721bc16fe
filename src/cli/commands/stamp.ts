import type { ExitCode } from '../../errors.js';
import { stamp as recordStamp } from '../../runner/admin.js';
import { parseVersion, runnerOptionsFrom, type RunnerCliOptions } from '../runner-options.js';
import type { CommandContext } from '../context.js';

/** `sqlmig stamp <version>`: records migrations up to version as applied without running them (baseline). */
export default async function stamp(ctx: CommandContext, version: string, options: RunnerCliOptions): Promise<ExitCode> {
  const target = parseVersion(version, 'stamp');
  const stamped = await recordStamp({ ...(await runnerOptionsFrom(ctx, options)), version: target });
  if (stamped.length === 0) {
    ctx.out(`Nothing to stamp: every migration up to version ${target} is already recorded.`);
  } else {
    const plural = stamped.length === 1 ? 'migration' : 'migrations';
    ctx.out(`Recorded ${stamped.length} ${plural} as applied without running them (versions ${stamped[0]!.version}–${stamped.at(-1)!.version}).`);
  }
  return 0;
}

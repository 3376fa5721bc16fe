import { UsageError, type ExitCode } from '../../errors.js';
import { stamp as recordStamp } from '../../runner/admin.js';
import { takeOverHistory, type TakeoverOptions } from '../../runner/takeover/takeover.js';
import type { HistoryTool } from '../../runner/takeover/tools.js';
import { parseVersion, runnerOptionsFrom, type RunnerCliOptions } from '../runner-options.js';
import type { CommandContext } from '../context.js';

/**
 * `sqlmig stamp <version>`: records migrations up to version as applied without running them (baseline).
 * `sqlmig stamp --from <tool>`: records what another tool's history table records as applied (takeover).
 */
export default async function stamp(ctx: CommandContext, version: string | undefined, options: RunnerCliOptions & { from?: HistoryTool; fromTable?: string }): Promise<ExitCode> {
  if (options.from !== undefined) {
    if (version !== undefined) {
      throw new UsageError(`stamp takes a version or --from, not both (--from ${options.from} records what ${options.from}'s table records)`);
    }
    return takeOver(ctx, options.from, options, { table: options.fromTable });
  }
  if (options.fromTable !== undefined) throw new UsageError('--from-table names the table of the tool --from takes over from: pass --from too');
  if (version === undefined) throw new UsageError('stamp needs the version the database is at, or --from <tool> to take over another tool\'s history');
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

/** Also what `import --history` runs once the files are written. */
export async function takeOver(ctx: CommandContext, from: HistoryTool | undefined, options: RunnerCliOptions, imported: Omit<TakeoverOptions, 'from'> = {}): Promise<ExitCode> {
  const runnerOptions = await runnerOptionsFrom(ctx, options);
  // In place on the tool's folder (--layout), the versions are those of its conversion, as for `import --history`.
  const versions = imported.versions ?? ctx.inPlace()?.versions;
  const result = await takeOverHistory({ ...runnerOptions, from, ...imported, versions });
  for (const note of result.notes) ctx.info(`note: ${note}`);
  const { recorded } = result;
  if (recorded.length === 0) {
    ctx.out(`Nothing to take over: sqlmig already records every migration ${result.table} (${result.tool}) records as applied. ${result.table} was left as it is.`);
  } else {
    const first = recorded[0]!.version;
    const last = recorded.at(-1)!.version;
    const which = recorded.length === 1 ? `1 migration (version ${first})` : `${recorded.length} migrations (versions ${first}–${last})`;
    ctx.out(
      `Took over ${which} from ${result.table} (${result.tool}), recorded as applied in one transaction; ` +
        `${result.table} was left as it is. The next \`sqlmig up\` applies what comes after them.`,
    );
  }
  return 0;
}

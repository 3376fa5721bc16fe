import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { closestMatch } from '../../config/closest.js';
import { ConfigError, SqlmigError, UsageError, type ExitCode } from '../../errors.js';
import { convertLayout, writeConversion } from '../../migrations/layouts/convert.js';
import { LAYOUT_IDS, detectLayout, isLayoutId, readLayout, type LayoutId } from '../../migrations/layouts/index.js';
import { HISTORY_TOOLS, type HistoryTool } from '../../runner/takeover/tools.js';
import type { CommandContext } from '../context.js';
import type { RunnerCliOptions } from '../runner-options.js';
import { takeOver } from './stamp.js';

/**
 * `sqlmig import <dir> [--from <layout>] [--to <dir>]`: writes another tool's migrations as sqlmig
 * files (the SQL byte for byte, the tool's no-transaction marker as `-- sqlmig:no-transaction`),
 * versions and order kept, and sqlmig.sum; then lists every file it did not convert. Exit 1 when
 * something needs a person (code migrations, repeatables, …), 0 when only tool metadata was left.
 */
export default async function importCommand(
  ctx: CommandContext,
  source: string,
  options: { from?: string; to?: string; history?: boolean; fromTable?: string } & RunnerCliOptions,
): Promise<ExitCode> {
  const shown = (path: string) => relative(ctx.io.cwd, path) || '.';
  const from = resolve(ctx.io.cwd, source);
  if (!existsSync(from)) throw new ConfigError(`${source}: no such folder`, { hint: "pass the folder that holds the other tool's migrations" });
  const to = options.to !== undefined ? resolve(ctx.io.cwd, options.to) : (await ctx.config()).dir;
  const layout = chosenLayout(options.from, from, source);
  assertEmptyTarget(from, to, shown);
  const historyTool = options.history ? takeoverTool(layout) : undefined;
  if (options.fromTable !== undefined && !options.history) throw new UsageError('--from-table names the history table --history takes over: pass --history too');

  const conversion = convertLayout(readLayout(from, layout));
  const { folder, files } = conversion;
  if (folder.migrations.length === 0) {
    throw new UsageError(`no ${layout} migrations in ${shown(from)}`, { hint: `name the tool with --from (${LAYOUT_IDS.join(', ')})` });
  }
  writeConversion(conversion, to, { sum: true });

  ctx.out(`imported ${folder.migrations.length} ${layout} migrations (${files.length} files) from ${shown(from)} into ${shown(to)}, and wrote sqlmig.sum`);
  ctx.out(
    layout === 'alembic'
      ? `versions numbered 1 to ${folder.migrations.length} in the order of the down_revision chain (Alembic's revisions are ids, not numbers)`
      : conversion.renumbered === undefined
        ? `versions kept as ${layout} numbers them`
      : `versions numbered 1 to ${folder.migrations.length} in ${layout}'s order: ${conversion.renumbered}`,
  );
  const noTransaction = files.filter((file) => file.origin.addedLines > 0);
  if (noTransaction.length > 0) {
    ctx.out(`-- sqlmig:no-transaction added to ${noTransaction.length} ${noTransaction.length === 1 ? 'file' : 'files'} that ${layout} runs outside a transaction:`);
    for (const file of noTransaction) ctx.out(`  ${file.fileName}  (${shown(file.origin.path)})`);
  }
  const attention = folder.leftOut.filter((item) => item.needsAttention);
  const skipped = folder.leftOut.filter((item) => !item.needsAttention);
  if (skipped.length > 0) {
    ctx.out(`not imported, nothing to do (${skipped.length}):`);
    for (const item of skipped) ctx.out(`  ${shown(item.path)}: ${item.reason}`);
  }
  if (attention.length > 0) {
    ctx.out(`not converted, needs you (${attention.length}):`);
    for (const item of attention) ctx.out(`  ${shown(item.path)}: ${item.reason}`);
  } else {
    ctx.out('everything converted');
  }
  // After the lists, so that a refused takeover never hides what was not converted.
  if (historyTool !== undefined) await takeOverImported(ctx, historyTool, options, to, files, conversion.renumbered !== undefined, shown);
  return attention.length > 0 ? 1 : 0;
}

/** `--history`: the takeover, with the versions this import gave (the tool's own when sqlmig could keep them, else 1, 2, …). */
async function takeOverImported(
  ctx: CommandContext,
  tool: HistoryTool,
  options: RunnerCliOptions & { fromTable?: string },
  to: string,
  files: ReadonlyArray<{ sourceVersion: string; version: number }>,
  renumbered: boolean,
  shown: (path: string) => string,
): Promise<void> {
  const versions = new Map(files.map((file) => [file.sourceVersion, file.version]));
  try {
    await takeOver(ctx, tool, options, { dir: to, versions, table: options.fromTable });
  } catch (error) {
    if (!(error instanceof SqlmigError)) throw error;
    // The files stay written: say how to take over once the cause is fixed.
    const retry = renumbered
      ? `the files in ${shown(to)} were written; import numbered the versions, so once that is fixed remove them and run this import again`
      : `the files in ${shown(to)} were written; once that is fixed, run \`sqlmig stamp --from ${tool}\``;
    throw Object.assign(error, { hint: `${error.hint ? `${error.hint}; ` : ''}${retry}` });
  }
}

/** The history table `--history` takes over: the layout's tool's. */
function takeoverTool(layout: LayoutId): HistoryTool {
  if ((HISTORY_TOOLS as readonly string[]).includes(layout)) return layout as HistoryTool;
  throw new UsageError(`--history: sqlmig cannot read ${layout}'s history table`, {
    hint: `import without --history, then record what the database has with \`sqlmig stamp <version>\` (history tables sqlmig reads: ${HISTORY_TOOLS.join(', ')})`,
  });
}

function chosenLayout(from: string | undefined, dir: string, source: string): LayoutId {
  if (from !== undefined) {
    if (isLayoutId(from)) return from;
    const suggestion = closestMatch(from, LAYOUT_IDS);
    throw new UsageError(`unknown layout "${from}" (--from)`, { hint: `${suggestion ? `did you mean "${suggestion}"? ` : ''}layouts: ${LAYOUT_IDS.join(', ')}` });
  }
  const detected = detectLayout(dir);
  if (detected === 'sqlmig') {
    throw new UsageError(`${source} looks like sqlmig's own layout; name the tool it comes from with --from`, {
      hint: `golang-migrate, sqlx and concourse folders look like sqlmig's and are never guessed: --from ${LAYOUT_IDS.filter((id) => id !== 'sqlmig').join('|')}`,
    });
  }
  return detected;
}

/** Import writes a new folder: it never mixes with migrations already there, nor writes into the source. */
function assertEmptyTarget(from: string, to: string, shown: (path: string) => string): void {
  if (!existsSync(to)) return;
  if (realpathSync(to) === realpathSync(from)) {
    throw new UsageError('--to is the folder being imported', { hint: 'write sqlmig files into a new folder, e.g. --to sql' });
  }
  const present = readdirSync(to).filter((name) => /\.sql$/i.test(name) || name === 'sqlmig.sum');
  if (present.length > 0) {
    throw new UsageError(`${shown(to)} already holds migrations (${present[0]}${present.length > 1 ? `, and ${present.length - 1} more` : ''})`, {
      hint: 'import into an empty or new folder (--to), then move the files if you mean to merge',
    });
  }
}

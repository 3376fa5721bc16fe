import { relative } from 'node:path';
import pc from 'picocolors';
import type { ExitCode } from '../../errors.js';
import { formatTable, formatTimestamp, runnerOptionsFrom } from '../runner-options.js';
import { cliTargets, runOnTargets, type ManyCliOptions } from '../many-targets.js';
import { statusReport, type StatusReport } from '../../runner/inspect.js';
import { fileProblemRefusal } from '../../runner/plan.js';
import { describeProgress } from '../../runner/progress-note.js';
import { formatRefusals } from '../../runner/refused.js';
import type { MigrationState } from '../../runner/status.js';
import type { CommandContext } from '../context.js';

/** Colors as the CLI decided (picocolors' defaults would read process.env and the TTY again). */
const { green, yellow, red } = pc.createColors(true);
const STATE_COLOR: Record<MigrationState, (text: string) => string> = {
  applied: green,
  pending: yellow,
  edited: red,
  missing: red,
  dirty: red,
  'no-up-file': red,
};

/** `sqlmig status`: every migration with its state; `--format json` for scripts. */
export default async function status(ctx: CommandContext, options: ManyCliOptions): Promise<ExitCode> {
  const targets = await cliTargets(ctx, options);
  if (targets !== null) {
    return runOnTargets(ctx, targets, options, {
      work: (runner) => statusReport(runner),
      line: statusLine,
      json: (report) => statusJson(report, ctx.io.cwd),
      isFailure: (report) => report.problems.length > 0,
    });
  }
  const { rows, problems } = await statusReport(await runnerOptionsFrom(ctx, options));
  // Like validate, exit 1 while the files themselves are broken (rows' states are data: edited, dirty… exit 0).
  const code = problems.length > 0 ? 1 : 0;
  if (ctx.globals.format === 'json') {
    ctx.out(JSON.stringify(statusJson({ rows, problems }, ctx.io.cwd), null, 2));
    return code;
  }
  if (rows.length === 0 && problems.length === 0) {
    ctx.out('No migrations yet: create one with `sqlmig new <description>`.');
    return 0;
  }
  const table = rows.map((row) => [String(row.version).padStart(4, '0'), row.name, row.state, formatTimestamp(row.appliedAt)]);
  const paint = (row: number, column: number, text: string) => (ctx.color && column === 2 ? STATE_COLOR[rows[row]!.state](text) : text);
  if (rows.length > 0) ctx.out(formatTable(['Version', 'Name', 'State', 'Applied at'], table, paint));
  for (const row of rows) {
    if (row.progress && row.file) ctx.out(`${String(row.version).padStart(4, '0')} is dirty: ${describeProgress(row.progress, relative(ctx.io.cwd, row.file))}`);
  }
  if (problems.length > 0) {
    ctx.out(`\n${problems.length === 1 ? '1 file problem' : `${problems.length} file problems`} (up, validate and verify refuse to run until fixed):`);
    ctx.out(formatRefusals(problems.map(fileProblemRefusal), ctx.io.cwd));
  }
  return code;
}

function statusJson({ rows, problems }: StatusReport, cwd: string): unknown {
  const migrations = rows.map((row) => ({
    version: row.version,
    name: row.name,
    state: row.state,
    file: row.file === null ? null : relative(cwd, row.file),
    appliedAt: row.appliedAt?.toISOString() ?? null,
    durationMs: row.durationMs,
    appliedBy: row.appliedBy,
    ...(row.progress ? { progress: row.progress } : {}),
  }));
  return { migrations, problems: problems.map((problem) => ({ ...problem, path: relative(cwd, problem.path) })) };
}

/** One target's status in one line: how many migrations are in each state. */
function statusLine({ rows, problems }: StatusReport): string {
  const counts = new Map<MigrationState, number>();
  for (const row of rows) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  const parts = [...counts].map(([state, count]) => `${count} ${state}`);
  if (problems.length > 0) parts.push(`${problems.length} file problem${problems.length === 1 ? '' : 's'}`);
  return parts.length === 0 ? 'no migrations' : parts.join(', ');
}

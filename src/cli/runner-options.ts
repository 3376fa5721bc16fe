import { isAbsolute, join, relative } from 'node:path';
import type { CommandContext } from './context.js';
import { resolveConnection, type Config, type ResolvedConnection } from '../config/index.js';
import { UsageError } from '../errors.js';
import { planListing, progressReporter, runSummary } from '../reporters/progress.js';
import type { MigrateResult } from '../runner/migrate.js';
import type { RunnerOptions } from '../runner/session.js';

/** The options commander hands the runner's commands (strings as typed). */
export interface RunnerCliOptions {
  lockWait?: string;
  wait?: string;
  timeout?: string;
  /** false with --no-cache. */
  cache?: boolean;
}

/**
 * What every runner command does first: config, connection (its secrets
 * registered for scrubbing before anything can print them), and progress
 * wired to the CLI's output.
 */
export async function runnerOptionsFrom(ctx: CommandContext, options: RunnerCliOptions): Promise<RunnerOptions> {
  const config = await ctx.config();
  const connection = resolveConnection(config, { url: ctx.globals.url, env: ctx.io.env });
  ctx.addSecrets(connection.secrets);
  announceTarget(ctx, config, connection);
  return {
    config,
    connection,
    cwd: ctx.io.cwd,
    env: ctx.io.env,
    cacheDir: options.cache === false ? undefined : join(config.root, '.sqlmig', 'cache'),
    folderListing: ctx.folderListing(),
    ...(ctx.inPlace()?.renumbered !== undefined ? { renumbered: ctx.inPlace()!.renumbered } : {}),
    wait: seconds(options.wait, '--wait'),
    lockWait: seconds(options.lockWait, '--lock-wait'),
    timeout: seconds(options.timeout, '--timeout'),
    signal: ctx.io.signal,
    onEvent: progressReporter({
      // With --format json stdout holds the one JSON document: progress goes to stderr.
      line: (text) => {
        if (ctx.globals.format === 'json') ctx.info(text);
        else if (!ctx.globals.quiet) ctx.out(text);
      },
      note: ctx.info,
      color: ctx.color,
      verbose: ctx.globals.verbose,
      live: liveOutput(ctx),
    }),
  };
}

/** Raw stdout for the live elapsed-time line: only on a terminal that can redraw a line, and not with --quiet. */
function liveOutput(ctx: CommandContext): ((text: string) => void) | undefined {
  const { stdout, env } = ctx.io;
  if (stdout.isTTY !== true || env.TERM === 'dumb' || ctx.globals.quiet || ctx.globals.format === 'json') return undefined;
  return (text) => stdout.write(text);
}

/** Commands that change a database say what they change even with --quiet: a deploy log must show it. */
const CHANGING_COMMANDS = new Set(['up', 'down', 'redo', 'stamp', 'resolve', 'import']);

/**
 * Which config and which database (redacted) the run uses, on stderr; and,
 * whatever the command and --quiet, when that is the embedded database.
 */
function announceTarget(ctx: CommandContext, config: Config, connection: ResolvedConnection): void {
  const shown = (path: string) => {
    const rel = relative(ctx.io.cwd, path);
    return rel.startsWith('..') || isAbsolute(rel) ? rel : `./${rel}`;
  };
  const database = connection.pglite?.dataDir ? `${shown(connection.pglite.dataDir)} (embedded)` : connection.redacted;
  const line = `config: ${config.configFile === null ? 'none' : shown(config.configFile)}; database: ${database} (from ${connection.source === 'embedded' ? 'no setting' : connection.source})`;
  if (CHANGING_COMMANDS.has(ctx.command)) ctx.err(line);
  else ctx.info(line);
  if (connection.source === 'embedded') {
    ctx.err(`using the embedded database in ${shown(connection.pglite?.dataDir ?? '')}: no database is configured (set DATABASE_URL or --url for a server)`);
  } else if (connection.pglite?.dataDir) {
    ctx.err(`using the embedded database in ${shown(connection.pglite.dataDir)}`);
  }
}

/** A migration version: a non-negative integer as in the file names (`0003` is 3). */
export function parseVersion(value: string, option: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${option} expects a migration version (a whole number such as 3 or 0003), got "${value}"`);
  }
  return Number(value);
}

/** `--step N`: a positive integer. */
function parseStep(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--step expects a positive whole number, got "${value}"`);
  return Number(value);
}

/** `--to` and `--step` together would be ambiguous. */
export function targetOptions(options: { to?: string; step?: string }): { to?: number; step?: number } {
  if (options.to !== undefined && options.step !== undefined) {
    throw new UsageError('use either --to or --step, not both');
  }
  return { to: options.to === undefined ? undefined : parseVersion(options.to, '--to'), step: parseStep(options.step) };
}

/** `--wait`, `--lock-wait`: a non-negative number of seconds. */
export function seconds(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new UsageError(`${option} expects a number of seconds, got "${value}"`);
  }
  return number;
}

/** What up/down/redo print once the run is over: the summary, the plan (--dry-run) or the SQL (--sql); with --format json, migrateJson. */
export function printMigrateResult(ctx: CommandContext, result: MigrateResult, options: { dryRun: boolean; sql: boolean }): void {
  if (ctx.globals.format === 'json') ctx.out(JSON.stringify(migrateJson(result, ctx.io.cwd), null, 2));
  else if (options.sql) ctx.out(result.steps.length > 0 ? result.sql : `-- ${runSummary(result)}`);
  else if (options.dryRun) ctx.out(planListing(result));
  else ctx.out(runSummary(result));
}

/** One target's up or down in one line (with several targets). */
export function migrateLine(result: MigrateResult): string {
  if (!result.dryRun || result.steps.length === 0) return runSummary(result);
  const verb = result.direction === 'down' ? 'would revert' : 'would apply';
  return `${verb} ${result.steps.map((step) => step.file.fileName.replace(/\.(up|down)\.sql$/i, '')).join(', ')} (dry run)`;
}

/** `up`/`down --format json`: what ran (or would run), and the version afterwards. */
export function migrateJson(result: MigrateResult, cwd: string): unknown {
  const durations = new Map(result.results.map((step) => [step.step.version, step.durationMs]));
  return {
    direction: result.direction,
    dryRun: result.dryRun,
    steps: result.steps.map((step) => ({
      version: step.version,
      name: step.name,
      direction: step.direction,
      file: relative(cwd, step.file.path),
      durationMs: durations.get(step.version) ?? null,
    })),
    current: result.current,
    durationMs: result.durationMs,
  };
}

/** A plain aligned table (no borders, so it copies cleanly); `paint` colours a cell after padding. */
export function formatTable(headers: readonly string[], rows: readonly string[][], paint?: (row: number, column: number, text: string) => string): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (cells: readonly string[], row: number) =>
    cells
      .map((cell, column) => {
        const padded = column === cells.length - 1 ? cell : cell.padEnd(widths[column]!);
        return paint && row >= 0 ? paint(row, column, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [render(headers, -1), ...rows.map(render)].join('\n');
}

/** `2024-05-01 12:00:03 UTC`. */
export function formatTimestamp(date: Date | null): string {
  return date ? `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC` : '';
}

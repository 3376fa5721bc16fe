import { existsSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { UsageError, type ExitCode } from '../../errors.js';
import { hasStoredResult } from '../../lint/cache.js';
import { resolveConnection, type Config } from '../../config/index.js';
import { openDatabase } from '../../db/index.js';
import type { DatabaseSession } from '../../db/port.js';
import { serverMajorVersion } from '../../db/server-version.js';
import type { LintResult } from '../../lint/diagnostic.js';
import { lintProject } from '../../lint/project.js';
import { toolPlace, type InPlaceFolder } from '../../migrations/layouts/in-place.js';
import { readTableSizes, weighByTableSize } from '../../lint/table-sizes.js';
import { changedSince } from '../../migrations/git.js';
import { discoverMigrations } from '../../migrations/index.js';
import { formatLintResult } from '../../reporters/index.js';
import { repositoryRoot } from '../../reporters/paths.js';
import type { CommandContext } from '../context.js';
import { seconds } from '../runner-options.js';
import { packageVersion } from '../../package-version.js';

/**
 * `sqlmig lint [files...]`: lints the whole sequence (cross-file rules need
 * it) and reports on the given files, or on all. Exit 1 when an error-severity
 * finding remains. `--staged` lints git's index instead of the working tree.
 */
export default async function lint(
  ctx: CommandContext,
  files: string[],
  options: { cache: boolean; staged?: boolean; since?: string; wait?: string },
): Promise<ExitCode> {
  if (options.since !== undefined && files.length > 0) {
    throw new UsageError('give files or --since, not both', { hint: '--since reports on the migration files git says changed; files name them yourself' });
  }
  // Without the cache every file is parsed, and on a first run (no stored result) nearly every one: the
  // WebAssembly parser compiles in the background meanwhile. A stored result may be a hit, which needs no
  // parser at all. The engine awaits the same load; it reports any failure.
  if (!options.cache) preloadParser();
  const projectConfig = await ctx.config();
  const wait = seconds(options.wait, '--wait');
  const database = ctx.globals.url === undefined ? undefined : await openLintDatabase(ctx, projectConfig, wait);
  try {
    return await lintWith(ctx, files, options, projectConfig, database);
  } finally {
    await database?.close();
  }
}

async function lintWith(
  ctx: CommandContext,
  files: string[],
  options: { cache: boolean; staged?: boolean; since?: string; wait?: string },
  projectConfig: Config,
  database: DatabaseSession | undefined,
): Promise<ExitCode> {
  // The server given decides which syntax it accepts (server-version-syntax), not the config's postgresVersion.
  const config = database
    ? { ...projectConfig, lint: { ...projectConfig.lint, postgresVersion: await serverMajorVersion(database) } }
    : projectConfig;
  // The staged files are written out afresh each run: nothing to cache.
  const cacheDir = options.cache && !options.staged ? join(config.root, '.sqlmig', 'cache') : undefined;
  if (cacheDir !== undefined && !hasStoredResult(cacheDir)) preloadParser();
  // Discovered here, before the given files are checked against the folder, so a missing folder is a configuration error.
  const set = discoverMigrations(config.dir, ctx.folderListing());
  const reportOn =
    options.since !== undefined ? await changedSince(options.since, set.dir) : files.length > 0 ? migrationPaths(files, set.dir, ctx.io.cwd) : undefined;
  const format = ctx.globals.format ?? 'pretty';
  // Only the pretty format prints code frames.
  const inPlace = ctx.inPlace();
  if (inPlace && (reportOn !== undefined || options.staged)) {
    throw new UsageError(`files, --since and --staged name sqlmig files; ${inPlace.sourceDir} is a ${inPlace.layout} folder, linted whole`, {
      hint: 'run `sqlmig lint` without them',
    });
  }
  const lintedHere = await lintProject({ config, set, reportOn, cacheDir, withSources: format === 'pretty', staged: options.staged });
  const linted = inPlace ? atOriginalLines(lintedHere, inPlace) : lintedHere;
  if (inPlace) {
    for (const item of inPlace.leftOut.filter((leftOut) => leftOut.needsAttention)) ctx.err(`not linted: ${relative(ctx.io.cwd, item.path)}: ${item.reason}`);
  }
  const result = database ? weighByTableSize(linted, await readTableSizes(database, linted.diagnostics), config.lint.smallTableRows) : linted;
  // Only SARIF describes every rule: other formats need not load them (a cached result loads no rule at all).
  const rules = format === 'sarif' ? (await import('../../../rules/index.js')).rules : [];
  // Annotations and code scanning resolve paths from the repository root, not from where the job ran.
  const root = format === 'github' || format === 'sarif' ? (repositoryRoot(set.dir) ?? ctx.io.cwd) : undefined;
  const output = formatLintResult(format, result, { cwd: ctx.io.cwd, root, color: ctx.color, rules, toolVersion: packageVersion() });
  if (output !== '') ctx.out(output);
  return result.errorCount > 0 ? 1 : 0;
}

/**
 * With `--url`: lock findings state the estimated rows and size of their
 * table from that database's catalog (warnings on small tables), and the
 * server's version decides which syntax is too new for it.
 * Only with --url: without it lint never connects (DATABASE_URL or the config usually name a development database).
 * Undefined for an embedded database that does not exist: opening it would create it.
 */
async function openLintDatabase(ctx: CommandContext, config: Config, wait: number | undefined): Promise<DatabaseSession | undefined> {
  const connection = resolveConnection(config, { url: ctx.globals.url, env: ctx.io.env });
  ctx.addSecrets(connection.secrets);
  if (connection.pglite?.dataDir && !existsSync(connection.pglite.dataDir)) return undefined;
  return openDatabase(connection, { wait, connectTimeout: config.connectTimeout, applicationName: 'sqlmig lint' });
}

/** Findings on the converted files, moved to the tool's own files and lines (code frames show the tool's files). */
function atOriginalLines(result: LintResult, inPlace: InPlaceFolder): LintResult {
  const place = (file: string, line: number) => toolPlace(inPlace, file, line);
  // Messages name converted files; they say the tool's file instead (`20190226_x/down.sql`).
  const names = new Map([...inPlace.origins].map(([path, origin]) => [basename(path), relative(inPlace.sourceDir, origin.path)]));
  const renamed = (text: string) => text.replace(/\b\d+_[a-z0-9_]+\.(?:up|down)\.sql\b/g, (name) => names.get(name) ?? name);
  const diagnostics = result.diagnostics
    .map((diagnostic) => {
      const start = place(diagnostic.file, diagnostic.line);
      return {
        ...diagnostic,
        file: start.file,
        line: start.line,
        endLine: place(diagnostic.file, diagnostic.endLine).line,
        message: renamed(diagnostic.message),
        ...(diagnostic.hint !== undefined ? { hint: renamed(diagnostic.hint) } : {}),
      };
    })
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  const sources = new Map<string, string>();
  for (const path of result.sources.keys()) {
    const original = inPlace.origins.get(path)?.path;
    if (original !== undefined && !sources.has(original)) sources.set(original, readFileSync(original, 'utf8'));
  }
  return { ...result, diagnostics, sources };
}

function preloadParser(): void {
  void import('../../parse/index.js').then((parse) => parse.loadParser()).catch(() => {});
}

/**
 * The given files as the migration set names them (`<dir>/<file name>`).
 * Each must exist and sit directly in the migrations folder; folders are
 * compared by real path, so `./sql/x.up.sql`, `sql/../sql/x.up.sql` and a
 * path through a symbolic link to the folder all count.
 */
function migrationPaths(files: readonly string[], dir: string, cwd: string): Set<string> {
  const realDir = realpathSync(dir);
  const paths = new Set<string>();
  for (const file of files) {
    const absolute = resolve(cwd, file);
    let stats: Stats | undefined;
    try {
      stats = statSync(absolute);
    } catch {
      stats = undefined;
    }
    if (!stats) {
      throw new UsageError(`${file}: no such file`, { hint: 'pass paths of migration files, relative to the working directory' });
    }
    if (!stats.isFile()) {
      throw new UsageError(`${file}: not a file`, { hint: 'pass migration files; without arguments lint reports on the whole folder' });
    }
    if (realpathSync(dirname(absolute)) !== realDir) {
      throw new UsageError(`${file} is not in the migrations folder ${relative(cwd, dir) || '.'}`, {
        hint: 'lint reports on migration files only: point "dir" in .migraterc.json (or --dir) at their folder, or narrow the files your hook passes',
      });
    }
    paths.add(join(dir, basename(absolute)));
  }
  return paths;
}

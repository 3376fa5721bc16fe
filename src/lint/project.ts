/**
 * Lints a migrations folder as `sqlmig lint` does: discovery (whose problems
 * migration-filename reports), every file of the sequence, and sqlmig.sum
 * compared with the files (edited-migration). The library exports it as `lint`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { UsageError } from '../errors.js';
import { digestFiles, readSourcesOnce, type FileDigest } from '../migrations/checksum-cache.js';
import { migrationsDigest, readDumpFile, readDumpOrigin } from '../migrations/dump-origin.js';
import { checkOutStaged, committedFileNames } from '../migrations/git.js';
import { SUM_FILE_NAME, compareSum, discoverMigrations, migrationFiles, readSumFile } from '../migrations/index.js';
import type { MigrationSet } from '../migrations/types.js';
import { LintCache, type CachedLintInput } from './cache.js';
import type { LintResult } from './diagnostic.js';
import type { LintSchemaDump, LintSum, Rule } from './rule.js';

export interface LintProjectOptions {
  /** Already loaded configuration; default: `loadConfig({ cwd, env })`. */
  config?: Config;
  /** Where .migraterc.json is searched when `config` is not given; default: process.cwd(). */
  cwd?: string;
  /** Variables for `${VAR}` in the config file when `config` is not given; default: process.env. */
  env?: Record<string, string | undefined>;
  /** Report only on these files (absolute paths); the whole folder is still analysed. */
  reportOn?: ReadonlySet<string>;
  /** The folder as already discovered (the runner has it); default: discovered from `config.dir`. */
  set?: MigrationSet;
  /** Default: every rule in rules/index.ts (loaded only when something must be linted). */
  rules?: readonly Rule[];
  /**
   * Where checksums of unchanged files, parse results and the last result are kept between runs
   * (`sqlmig lint`: `<project root>/.sqlmig/cache`); default: nowhere.
   */
  cacheDir?: string;
  /**
   * Whether the result carries the texts of the files with findings (`sources`, for code frames);
   * default true. Without them a cached result reads no migration file at all.
   */
  withSources?: boolean;
  /**
   * Lint what git's index holds (the staged migrations and sqlmig.sum), not the working tree: what a
   * commit would record, for pre-commit hooks. Needs a git work tree; uses no cache. Default false.
   */
  staged?: boolean;
}

/** Findings are data: problems with the files become diagnostics; only unreadable folders and config errors throw. */
export async function lintProject(options: LintProjectOptions = {}): Promise<LintResult> {
  const config = options.config ?? (await loadConfig({ cwd: options.cwd, env: options.env }));
  if (options.staged) return lintStaged(config, options);
  return lintFolder(config, options.set ?? (discoverMigrations(config.dir)), options, false);
}

async function lintFolder(config: Config, set: MigrationSet, options: LintProjectOptions, staged: boolean): Promise<LintResult> {
  // Misnamed files are linted with their version's migration; sqlmig.sum lists only the files that run.
  const mismatched = set.mismatched ?? [];
  const unrun = new Set(mismatched.map((file) => file.path));
  const files = [...migrationFiles(set), ...mismatched];
  const { digests, read } = digestFiles(set, files, options.cacheDir);
  const sumFile = readSumFile(set.dir);
  const sum: LintSum = sumFile
    ? await withHistory({ ...sumFile, found: true, comparison: compareSum(sumFile, digests.filter((digest) => !unrun.has(digest.file.path))) }, set.dir, staged)
    : { found: false, path: join(set.dir, SUM_FILE_NAME) };
  const ran = digests.filter((digest) => !unrun.has(digest.file.path));
  const schemaDump = config.dumpSchema === null ? undefined : schemaDumpState(config.dumpSchema, ran);
  const input: CachedLintInput = {
    digests,
    sources: (wanted = files) => readSourcesOnce(wanted, read),
    withSources: options.withSources ?? true,
    config: config.lint,
    rules: options.rules,
    builtinRules,
    reportOn: options.reportOn,
    schemaName: config.schema,
    configFile: config.configFile ?? undefined,
    fileProblems: set.problems,
    sum,
    schemaDump,
  };
  if (options.cacheDir !== undefined) return new LintCache(options.cacheDir).lint(input);
  // Imported only when linting (here, and in cache.ts on a miss): a cached result loads no rule and no parser.
  const { lintSequence } = await import('./engine.js');
  return lintSequence({ ...input, rules: options.rules ?? (await builtinRules()), sources: input.sources() });
}

/** The dump's header against the up files as they are now: a few lines read, no database. */
function schemaDumpState(path: string, digests: readonly FileDigest[]): LintSchemaDump {
  const text = readDumpFile(path);
  const upFiles = digests.filter((d) => d.file.direction === 'up').map((d) => ({ version: d.file.version, fileName: d.file.fileName, checksum: d.checksum }));
  return { path, found: text !== null, recorded: text === null ? null : readDumpOrigin(text), current: migrationsDigest(upFiles) };
}

/** The registry is loaded here, the lint API's entry, so that the engine and the rules do not import each other. */
async function builtinRules(): Promise<readonly Rule[]> {
  return (await import('../../rules/index.js')).rules;
}

/** Asks git about the files sqlmig.sum disagrees with, only when there are any: most lints need no git process. */
async function withHistory(sum: LintSum & { found: true }, dir: string, staged: boolean): Promise<LintSum> {
  const disagreeing = [...sum.comparison.edited, ...sum.comparison.added];
  if (disagreeing.length === 0) return sum;
  if (staged) return { ...sum, history: { kind: 'staged' } };
  const committed = await committedFileNames(dir);
  if (committed === undefined) return { ...sum, history: { kind: 'none' } };
  return { ...sum, history: { kind: 'git', drafts: disagreeing.filter((name) => !committed.has(name)) } };
}

/**
 * Lints the staged migrations folder, written out to a temporary folder, and
 * names files as they are in the migrations folder.
 */
async function lintStaged(config: Config, options: LintProjectOptions): Promise<LintResult> {
  const temporary = await mkdtemp(join(tmpdir(), 'sqlmig-staged-'));
  try {
    const staged = await checkOutStaged(config.dir, temporary);
    if (staged === undefined) {
      throw new UsageError(`--staged reads git's index, and ${config.dir} is not in a git work tree`, {
        hint: 'run lint without --staged outside git',
      });
    }
    const toStaged = (path: string) => join(staged, relative(config.dir, path));
    const toWorkTree = (path: string) => (path.startsWith(staged) ? join(config.dir, relative(staged, path)) : path);
    const reportOn = options.reportOn && new Set([...options.reportOn].map(toStaged));
    const stagedConfig = { ...config, dir: staged };
    const set = discoverMigrations(staged);
    const result = await lintFolder(stagedConfig, set, { ...options, reportOn, cacheDir: undefined }, true);
    return {
      ...result,
      diagnostics: result.diagnostics.map((diagnostic) => ({ ...diagnostic, file: toWorkTree(diagnostic.file) })),
      sources: new Map([...result.sources].map(([path, text]) => [toWorkTree(path), text])),
    };
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

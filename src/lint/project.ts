/**
 * Lints a migrations folder as `sqlmig lint` does: discovery (whose problems
 * migration-filename reports), every file of the sequence, and sqlmig.sum
 * compared with the files (edited-migration). The library exports it as `lint`.
 */
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { digestFiles, readSourcesOnce } from '../migrations/checksum-cache.js';
import { SUM_FILE_NAME, compareSum, discoverMigrations, migrationFiles, readSumFile } from '../migrations/index.js';
import type { MigrationSet } from '../migrations/types.js';
import { LintCache, type CachedLintInput } from './cache.js';
import type { LintResult } from './diagnostic.js';
import type { LintSum, Rule } from './rule.js';

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
}

/** Findings are data: problems with the files become diagnostics; only unreadable folders and config errors throw. */
export async function lintProject(options: LintProjectOptions = {}): Promise<LintResult> {
  const config = options.config ?? (await loadConfig({ cwd: options.cwd, env: options.env }));
  const set = options.set ?? (await discoverMigrations(config.dir));
  // Misnamed files are linted with their version's migration; sqlmig.sum lists only the files that run.
  const mismatched = set.mismatched ?? [];
  const unrun = new Set(mismatched.map((file) => file.path));
  const files = [...migrationFiles(set), ...mismatched];
  const [{ digests, read }, sumFile] = await Promise.all([digestFiles(set, files, options.cacheDir), readSumFile(set.dir)]);
  const sum: LintSum = sumFile
    ? { ...sumFile, found: true, comparison: compareSum(sumFile, digests.filter((digest) => !unrun.has(digest.file.path))) }
    : { found: false, path: join(set.dir, SUM_FILE_NAME) };
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
  };
  if (options.cacheDir !== undefined) return new LintCache(options.cacheDir).lint(input);
  // Imported only when linting (here, and in cache.ts on a miss): a cached result loads no rule and no parser.
  const { lintSequence } = await import('./engine.js');
  return lintSequence({ ...input, rules: options.rules ?? (await builtinRules()), sources: await input.sources() });
}

/** The registry is loaded here, the lint API's entry, so that the engine and the rules do not import each other. */
async function builtinRules(): Promise<readonly Rule[]> {
  return (await import('../../rules/index.js')).rules;
}

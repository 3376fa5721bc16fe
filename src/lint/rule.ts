/**
 * The rule API.
 *
 * How to write a rule: add `rules/<id>.ts` exporting a `Rule` as default, and
 * list it in `rules/index.ts`.
 *
 *     const rule: Rule = {
 *       id: 'no-truncate',
 *       defaultSeverity: 'warn',
 *       description: 'TRUNCATE in a migration',           // one line, for `sqlmig rules`
 *       rationale: 'SOP: … (why, citing the SOP point)',   // a paragraph, for `sqlmig explain`
 *       examples: {
 *         bad: [{ sql: 'TRUNCATE users;', expect: [{ line: 1, column: 1 }] }],
 *         good: [{ sql: 'DELETE FROM users WHERE id = 1;' }],
 *       },
 *       check(context) {
 *         return {
 *           statement(statement, file) {
 *             if (statement.view.kind === 'truncate') {
 *               context.report({ span: statement, message: '…', hint: '…' });
 *             }
 *           },
 *         };
 *       },
 *     };
 *
 * `check` runs once per lint run and returns hooks. The engine walks the whole sequence in version order, each up file
 * before its down file, and calls, per file: `fileStart`, `statement` for each
 * statement (a DO block first, then the statements its body runs, marked
 * `embedded`), `fileEnd`; after both files of a version, `migration`; at the
 * very end, `sequenceEnd`. Files with syntax errors are visited too, with the
 * statements that parsed.
 *
 * `context.schema` is the schema model before the statement being visited: for
 * an up file, after every earlier up file and the statements before this one;
 * for a down file, after its own up file (the down file is applied to a copy).
 *
 * Walk state: the lint cache resumes the walk from checkpoints between two
 * migrations (checkpoint.ts), so everything a rule carries from one migration
 * to the next lives in `context.walkState(() => ({ … }))`, called once in
 * `check`: plain data (objects, arrays, Maps, Sets), schema models, lint
 * files and statements, which a checkpoint can write. Variables in the
 * closure may only hold what is reset in `fileStart` (or `migration`).
 * `context.files`, `context.migrations`, `context.sum` and
 * `context.fileProblems` are read in `sequenceEnd` only (they throw before):
 * findings behind a checkpoint must not depend on the files after it. A rule
 * that wants to say something about later files keeps it in its walk state and
 * reports it in `sequenceEnd`.
 *
 * Rules never set severity (config does), never filter by file (the engine
 * applies `reportOn`), and never read disable comments (the engine does).
 * `report` takes a `span` (a `Statement` is one; so are the `span`s in its
 * view) and defaults to the file being visited; a report without a span is
 * about the whole file and lands on line 1. A report about a file outside the
 * sequence (sqlmig.sum, a misnamed file) gives its `path`. `maxSeverity:
 * 'warn'` keeps one report a warning when the rule is configured as an error.
 *
 * Rules about the folder rather than the SQL read `context.fileProblems`
 * (what discovery found wrong with the file names) and `context.sum`
 * (sqlmig.sum compared with the files); `lintProject` fills both.
 *
 * Examples are data: the rule tests run them (bad examples must produce exactly
 * the `expect`ed diagnostics of this rule, good ones none), and `sqlmig
 * explain` prints them. A cross-file example puts the rest of the sequence in
 * `files`.
 */
import type { LintConfig, RuleSetting } from '../config/types.js';
import type { DumpOrigin } from '../migrations/dump-origin.js';
import type { SumComparison, SumFile } from '../migrations/sum.js';
import type { Directives, Direction, FileProblem } from '../migrations/types.js';
import type { Comment, ParseError, Span, Statement } from '../parse/types.js';
import type { TableName } from './diagnostic.js';
import type { SchemaModel } from './schema.js';

export interface Rule {
  /** kebab-case; also the file name under rules/. */
  id: string;
  defaultSeverity: RuleSetting;
  /** One line, for `sqlmig rules` and SARIF. */
  description: string;
  /** Why the rule exists, citing the SOP point it enforces; for `sqlmig explain`. */
  rationale: string;
  examples: { bad: readonly RuleExample[]; good: readonly RuleExample[] };
  check(context: RuleContext): RuleHooks;
}

export interface RuleHooks {
  fileStart?(file: LintFile): void;
  statement?(statement: Statement, file: LintFile): void;
  fileEnd?(file: LintFile): void;
  migration?(migration: LintMigration): void;
  sequenceEnd?(): void;
}

export interface RuleContext {
  readonly config: LintConfig;
  /** The configured schema (`schema` in .migraterc.json, default `public`). */
  readonly schemaName: string;
  /** Every file, in the order visited (version, then up before down). In `sequenceEnd` only. */
  readonly files: readonly LintFile[];
  /** Files grouped by version, in version order. In `sequenceEnd` only. */
  readonly migrations: readonly LintMigration[];
  /** The schema before the statement being visited (see the top of this file). */
  readonly schema: SchemaModel;
  /** What discovery found wrong with the folder's files (bad names, duplicate versions, …); empty when not given. In `sequenceEnd` only. */
  readonly fileProblems: readonly FileProblem[];
  /** sqlmig.sum compared with the files; undefined when the caller did not read it. In `sequenceEnd` only. */
  readonly sum: LintSum | undefined;
  /** The schema dump `dumpSchema` names; undefined when none is configured. */
  readonly schemaDump: LintSchemaDump | undefined;
  /**
   * The rule's state carried across migrations (see the top of this file):
   * `initial()` on a walk from the start, the state as a checkpoint kept it
   * on a resumed walk. The same object on every call in one run.
   */
  walkState<T extends object>(initial: () => T): T;
  report(report: RuleReport): void;
}

/**
 * sqlmig.sum as lint sees it: not found (a project adopting sqlmig), or as
 * read, with `comparison` of the files of the sequence (which means little
 * while `problems`, its malformed lines, is not empty).
 */
export type LintSum = { found: false; path: string } | (SumFile & { found: true; comparison: SumComparison; history?: SumHistory });

/**
 * The schema dump (`dumpSchema`) as lint sees it, without a database: whether
 * it exists, the origin its header records (which up files it came from), and
 * the origin a dump of the files as they are now would record.
 */
export interface LintSchemaDump {
  /** Absolute path. */
  path: string;
  found: boolean;
  /** The header's origin line, or null when the file has none. */
  recorded: (DumpOrigin & { line: number }) | null;
  current: DumpOrigin;
}

/**
 * Where the files that sqlmig.sum disagrees with stand (absent when it agrees
 * with every file, or when nobody asked): in a git work tree, with the names
 * of those not in HEAD (drafts: no database got them through git yet);
 * outside git, where a draft cannot be told from a committed migration; or
 * the staged content, which is what a commit records and must match.
 */
export type SumHistory = { kind: 'git'; drafts: string[] } | { kind: 'none' } | { kind: 'staged' };

export interface RuleReport {
  message: string;
  /** What to write instead. */
  hint?: string;
  /** Where; omitted means the whole file (line 1). */
  span?: Span;
  /** Default: the file being visited. Required in `migration` and `sequenceEnd` (or `path`). */
  file?: LintFile;
  /** A file outside the sequence (absolute path), instead of `file`. */
  path?: string;
  /** `warn`: a warning even when the rule is configured as an error (config can still turn it off). */
  maxSeverity?: 'warn';
  /** Lock rules: the existing table the statement locks, so `lint --url` can weigh the finding by its size. */
  table?: TableName;
}

/** A migration file as rules see it: parsed once by the engine. */
export interface LintFile {
  /** Absolute path. */
  path: string;
  /** Base name, e.g. `0001_create_users.up.sql`. */
  fileName: string;
  version: number;
  name: string;
  direction: Direction;
  text: string;
  directives: Directives;
  /** Top-level statements that parsed, in order. */
  statements: Statement[];
  /** Syntax errors (already reported as `syntax-error`). */
  parseErrors: ParseError[];
  comments: Comment[];
}

export interface LintMigration {
  version: number;
  up?: LintFile;
  down?: LintFile;
}

/** One file of an example's migration sequence. */
export interface ExampleFile {
  /** A file name, e.g. `0001_create_users.up.sql` (examples of migration-filename use others). */
  name: string;
  sql: string;
}

export interface RuleExample {
  /** The SQL `explain` shows: the file this example is about. */
  sql: string;
  /** Its file name; default `0001_example.up.sql`. The examples run in a folder, as `sqlmig lint` does. */
  name?: string;
  /** The rest of the sequence for cross-file examples, in any order (the engine sorts by version). */
  files?: readonly ExampleFile[];
  /**
   * sqlmig.sum in the example's folder (default: none): the files as `sqlmig
   * hash` recorded them (names and contents then), or the file's literal text.
   */
  sum?: readonly ExampleFile[] | string;
  /**
   * The schema dump in the example's folder (`schema.sql`, and `dumpSchema` set to it): its text, where
   * `{{origin}}` stands for the origin line a dump of the example's files records; null: configured but missing.
   */
  schemaDump?: string | null;
  /** Config for this example (e.g. `statusColumns`); the rule under test is always on. */
  config?: Partial<LintConfig>;
  /** The configured schema for this example (default `public`). */
  schemaName?: string;
  /** Bad examples: every diagnostic the rule reports, in order (by file, line, column). */
  expect?: readonly ExpectedDiagnostic[];
  /** Lock rules: what the example's file does to a table that already has rows, checked on a real server. */
  effect?: ExampleEffect;
}

/** PostgreSQL's table lock modes as pg_locks names them, weakest first. */
export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/**
 * What an example's file does to `table`, which the example's earlier `files`
 * create and `rows` fills (test/rules/locks.test.ts runs it on PostgreSQL):
 * the strongest lock it takes on the table, whether it reads the whole table
 * (a sequential scan in the file's transaction) and whether it rewrites it
 * (a new relfilenode), or the SQLSTATE it fails with.
 */
export interface ExampleEffect {
  table: string;
  /** SQL that fills the table (and what it references) with rows before the file runs. */
  rows: string;
  /**
   * Null: no lock on the table. In a `-- sqlmig:no-transaction` file, where each
   * statement commits at once, the lock a statement holds or wants while it
   * waits beside a writer's open transaction; null when it never waits.
   */
  lock: LockMode | null;
  scan?: boolean;
  rewrite?: boolean;
  /** The SQLSTATE the file fails with (e.g. 55P04 for an enum value used too early). */
  error?: string;
}

export interface ExpectedDiagnostic {
  /** File name; default the example's own file. */
  file?: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** A substring of the message. */
  message?: string;
}

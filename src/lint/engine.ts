/**
 * The lint engine: parses every file of the sequence once, walks it in
 * version order with every enabled rule (see rule.ts for the hooks), applies
 * disable comments and severities, and returns sorted diagnostics.
 */
import { createHash } from 'node:crypto';
import type { LintConfig, RuleSetting } from '../config/types.js';
import { hasDirectives } from '../migrations/directives.js';
import type { DirectiveComment, Directives, FileProblem, MigrationFile, MigrationSource } from '../migrations/types.js';
import { loadParser, parseSql } from '../parse/index.js';
import type { ParseError, ParsedSql, Span, Statement } from '../parse/types.js';
import { lazyFile, readCheckpoint, worthACheckpoint, writeCheckpoint, type Checkpoint, type CheckpointHead } from './checkpoint.js';
import { lintResultOf, type Diagnostic, type DiagnosticSeverity, type Finding, type LintResult } from './diagnostic.js';
import { readDisableDirectives } from './disable.js';
import { compareFiles } from './order.js';
import type { LintFile, LintMigration, LintSchemaDump, LintSum, Rule, RuleContext, RuleHooks, RuleReport } from './rule.js';
import { DEFAULT_SCHEMA, SchemaModel } from './schema.js';

/** Diagnostics the engine itself reports. Config may set `unknown-rule`, `unused-disable` and `invalid-directive`; `syntax-error` is always an error. */
const SYNTAX_ERROR = 'syntax-error';
const UNKNOWN_RULE = 'unknown-rule';
const UNUSED_DISABLE = 'unused-disable';
/** A `-- sqlmig:` directive that has no effect: misplaced (an error by default) or unknown (a warning). */
const INVALID_DIRECTIVE = 'invalid-directive';
/** A resumed walk over at most this many files parses them without reading the parse cache. */
const DIRECT_PARSE_FILES = 8;

export interface LintInput {
  /** Every file of the sequence, in any order: the engine sorts by version, up before down. */
  sources: readonly LintSource[];
  config: LintConfig;
  /** The rules to run: the caller's choice (lintProject passes the registry, rules/index.ts), so the engine depends on no rule. */
  rules: readonly Rule[];
  /** Report only on these files (absolute paths); the whole sequence is still analysed. */
  reportOn?: ReadonlySet<string>;
  /** The configured `schema` (default `public`), for `schema-qualified`. */
  schemaName?: string;
  /** Absolute path of the config file, where unknown rule ids in `lint.rules` are reported. */
  configFile?: string;
  /** Parsed files by checksum, to skip parsing files that did not change (see `ParseCache`). */
  parseCache?: ParseCache;
  /** What discovery found wrong with the folder's files, for migration-filename. */
  fileProblems?: readonly FileProblem[];
  /** sqlmig.sum compared with the files, for edited-migration; absent: not checked. */
  sum?: LintSum;
  /** The configured schema dump, for stale-schema-dump; absent: none configured. */
  schemaDump?: LintSchemaDump;
  /** Checkpoints to resume from and to capture (the lint cache); absent: a full walk, nothing captured. */
  checkpoints?: WalkCheckpoints;
}

/**
 * A file of the sequence: read, or (the lint cache's) not read yet. The
 * checksum cache found it unchanged; the walk takes its parse result, length
 * and directives from the parse cache, and reads it only when the parse cache
 * has no entry for it, or when a finding needs its text (a code frame).
 * Reading every file made a lint after one edit of the benchmark's 10,000
 * files (no checkpoint: its model is too large) 1.1–1.2x as long (alternated
 * rounds, newest and middle file edited).
 */
export type LintSource = MigrationSource | UnreadSource;

export interface UnreadSource {
  file: MigrationFile;
  /** As recorded by the checksum cache. */
  checksum: string;
  size: number;
  read(): MigrationSource;
}

function isUnread(source: LintSource): source is UnreadSource {
  return !('text' in source);
}

/**
 * A store of parse results keyed by the file's checksum. `ParsedSql` survives
 * JSON.stringify/parse, so a cache can live on disk; include
 * `PARSED_SQL_VERSION` in its key, since another sqlmig version may parse
 * differently.
 */
export interface ParseCache {
  /** Whether an entry is kept for `checksum` (which `get` may still find unreadable). */
  has(checksum: string): boolean;
  get(checksum: string): CachedParse | undefined;
  /** Keeps `parsed`, with what the walk needs of `source` without reading it again (see CachedParse). */
  set(checksum: string, source: MigrationSource, parsed: ParsedSql): void;
}

/** A parse result, and what else the walk needs of the file it came from, so that an unread file can be walked. */
export interface CachedParse {
  parsed: ParsedSql;
  /**
   * The file's size in bytes, and whether the entry is keyed by its text's hash rather than its file's
   * checksum (parseKey). An unread file is walked from the entry under its checksum only when that
   * entry is keyed by its own file's checksum and the sizes agree. That file's bytes had no CRLF (its
   * text, hashed, gave the checksum), so a file whose bytes give the same checksum with CRLF read as LF,
   * and which has as many bytes, has none either: the same bytes. Any other file is read.
   */
  size: number;
  keyedByText?: boolean;
  /** The text's length (the SQL a checkpoint is weighed against). */
  length: number;
  directives: Directives;
}


/**
 * Checkpoints of the walk (checkpoint.ts), for the lint cache: a checkpoint
 * to resume from, and which new ones to capture.
 */
export interface WalkCheckpoints {
  /** Resume from this checkpoint: `sources` then holds only the files after it. */
  resume?: {
    text: string;
    /** The files behind it, in walk order. */
    behind: readonly MigrationFile[];
    /** A file behind it, read only if a rule asks for its text or statements. */
    source(file: MigrationFile): MigrationSource;
    /** Every file, for a full walk when the checkpoint cannot be read. */
    all(): readonly LintSource[];
    /** Every finding behind it (as `record` was given them). */
    findings: readonly Finding[];
  };
  /** The findings of the migration that ends after the first `position` files: the engine's on its files, and the rules' while walking it. */
  record(position: number, findings: Finding[]): void;
  /** Where the walk starts: the resumed checkpoint's position, or 0 (it could not be read, or there was none). */
  started(position: number): void;
  /** Whether to capture a checkpoint after the first `position` files (called at each migration boundary). */
  wanted(position: number): boolean;
  save(position: number, checkpoint: string): void;
}

export async function lintSequence(input: LintInput): Promise<LintResult> {
  const rules = input.rules;
  const knownIds = new Set(rules.map((rule) => rule.id));
  const settings = new Map(rules.map((rule) => [rule.id, input.config.rules[rule.id] ?? rule.defaultSeverity]));
  const enabled = rules.filter((rule) => settings.get(rule.id) !== 'off');
  const { checkpoints, parseCache } = input;

  let resumeFrom: Checkpoint | undefined;
  let sources = [...input.sources].sort((a, b) => compareFiles(a.file, b.file));
  let behind: LintFile[] = [];
  const resume = checkpoints?.resume;
  if (resume) {
    const lazyFiles = new Map<string, LintFile>();
    // Directives are known only once the head is read; the files are made when the state names them.
    let directives: Record<string, Directives> = {};
    const lazy = (file: MigrationFile) =>
      lazyFile(
        file,
        directives[file.path],
        () => resume.source(file),
        (source) => parsedOf(source, parseCache),
      );
    try {
      const newline = resume.text.indexOf('\n');
      directives = (JSON.parse(resume.text.slice(0, Math.max(0, newline))) as CheckpointHead).directives;
      behind = resume.behind.map((file) => {
        const lintFile = lazy(file);
        lazyFiles.set(file.path, lintFile);
        return lintFile;
      });
      resumeFrom = readCheckpoint(resume.text, (path) => {
        const lintFile = lazyFiles.get(path);
        if (!lintFile) throw new Error(`checkpoint names ${path}, which is not behind it`);
        return lintFile;
      });
      if (resumeFrom.head.position !== behind.length) throw new Error('checkpoint is not at its position');
    } catch {
      // An unreadable checkpoint (another build, a torn file) only means walking from the start.
      resumeFrom = undefined;
      behind = [];
      sources = [...resume.all()].sort((a, b) => compareFiles(a.file, b.file));
    }
  }

  // The WebAssembly parser is loaded only when some file is not in the parse cache. A resumed walk over a
  // few files parses them: at least one changed, so the parser loads anyway, and reading the whole parse
  // cache (megabytes for a large project) costs more than parsing a few files.
  const direct = resumeFrom !== undefined && sources.length <= DIRECT_PARSE_FILES;
  // A resumed walk loads it too: a rule may ask for the statements of a file behind the checkpoint, which
  // are parsed then, synchronously. (A resumed walk almost always parses a changed file anyway.)
  // The module compiles off the main thread while the cached entries are read (the benchmark's set after
  // one edit: the main thread waited ~30 ms for it after reading them).
  const parses = (source: LintSource) =>
    isUnread(source) ? !parseCache?.has(source.checksum) : source.validUtf8 && !parseCache?.has(parseKey(source));
  const parser = resumeFrom || sources.some(parses) ? loadParser() : undefined;
  const prepared = sources.map((source) => prepare(source, parseCache, direct));
  // An entry kept but unreadable is parsed too, and so is an unread file whose entry is another file's.
  await (parser ?? (prepared.some((entry) => !entry.unread && entry.parsed === undefined) ? loadParser() : undefined));

  const fileFindings = sources.map((): Finding[] => []);
  const walked = prepared.map((entry, index) => {
    const lintFile = entry.unread ? unreadFile(entry.unread, entry.cached) : readFile(entry.source, entry.parsed, parseCache, direct);
    addEngineFindings(lintFile, fileFindings[index]!);
    return lintFile;
  });
  /** The walked files' text lengths, known without reading an unread one. */
  const lengths = prepared.map((entry) => (entry.unread ? entry.cached.length : entry.source.text.length));
  const files = [...behind, ...walked];
  const migrations = groupByVersion(files);
  const findings: Finding[] = [];

  const main = resumeFrom?.state.schema ?? new SchemaModel(input.config.knownTables);
  let schema = main;
  const ruleStates = resumeFrom?.state.rules ?? new Map<string, object>();
  let current: LintFile | undefined;
  // What every rule may read only at the end: a checkpoint's findings must not depend on the files after it.
  let atEnd = false;
  const onlyAtEnd = <T>(name: string, value: T): T => {
    if (!atEnd) throw new Error(`context.${name} is read in sequenceEnd only (the walk is resumed from checkpoints)`);
    return value;
  };
  const hooks: RuleHooks[] = enabled.map((rule) => {
    const context: RuleContext = {
      config: input.config,
      schemaName: input.schemaName ?? DEFAULT_SCHEMA,
      get files() {
        return onlyAtEnd('files', files);
      },
      get migrations() {
        return onlyAtEnd('migrations', migrations);
      },
      get schema() {
        return schema;
      },
      get fileProblems() {
        return onlyAtEnd('fileProblems', input.fileProblems ?? []);
      },
      get sum() {
        return onlyAtEnd('sum', input.sum);
      },
      get schemaDump() {
        return onlyAtEnd('schemaDump', input.schemaDump);
      },
      walkState<T extends object>(initial: () => T): T {
        let state = ruleStates.get(rule.id) as T | undefined;
        if (state === undefined) {
          state = initial();
          ruleStates.set(rule.id, state);
        }
        return state;
      },
      report(report: RuleReport) {
        findings.push(toFinding(rule.id, report, current));
      },
    };
    return rule.check(context);
  });
  // Each hook with the rules that have it: most rules have only some, and a walk calls them ~10 times per statement.
  const on = {
    fileStart: hooks.filter((hook) => hook.fileStart),
    statement: hooks.filter((hook) => hook.statement),
    fileEnd: hooks.filter((hook) => hook.fileEnd),
    migration: hooks.filter((hook) => hook.migration),
  };

  const start = behind.length;
  checkpoints?.started(start);
  let migrationIndex = resumeFrom?.head.migrationIndex ?? 0;
  const fileIds = checkpoints ? new Map<object, string>(files.map((file) => [file, file.path])) : undefined;
  /** Where the walk's findings of the current migration begin, and its first file. */
  let migrationFindings = 0;
  let migrationStart = start;
  /** The SQL walked so far, with that behind the checkpoint resumed (a checkpoint's cost is weighed against it). */
  let sqlLength = resumeFrom?.head.sqlLength ?? 0;
  for (let index = start; index < files.length; index++) {
    const file = files[index]!;
    sqlLength += lengths[index - start]!;
    // A down file runs against the state its up file left; the sequence goes on from the up file.
    schema = file.direction === 'up' ? main : main.fork();
    current = file;
    for (const hook of on.fileStart) hook.fileStart!(file);
    for (const statement of file.statements) {
      visit(statement, file, on.statement, schema);
      if (statement.view.kind === 'do-block') {
        for (const embedded of statement.view.statements) visit(embedded, file, on.statement, schema);
      }
    }
    for (const hook of on.fileEnd) hook.fileEnd!(file);
    if (files[index + 1]?.version !== file.version) {
      current = undefined;
      schema = main;
      const migration = migrations[migrationIndex++]!;
      for (const hook of on.migration) hook.migration!(migration);
      const position = index + 1;
      if (checkpoints) {
        const own = fileFindings.slice(migrationStart - start, position - start).flat();
        checkpoints.record(position, [...own, ...findings.slice(migrationFindings)]);
      }
      migrationFindings = findings.length;
      migrationStart = position;
      if (checkpoints && fileIds && checkpoints.wanted(position) && worthACheckpoint(main, sqlLength)) {
        const head: CheckpointHead = {
          position,
          migrationIndex,
          directives: Object.fromEntries(files.slice(0, position).filter((f) => hasDirectives(f.directives)).map((f) => [f.path, f.directives])),
          // Files behind a resumed checkpoint are not read again: their disable comments are known.
          disables: [...(resumeFrom?.head.disables ?? []), ...files.slice(start, position).filter(hasDisableComment).map((f) => f.path)],
          sqlLength,
        };
        checkpoints.save(position, writeCheckpoint({ head, state: { schema: main, rules: ruleStates } }, fileIds));
      }
    }
  }
  atEnd = true;
  for (const hook of hooks) hook.sequenceEnd?.();

  findings.unshift(...(resume && resumeFrom ? resume.findings : []), ...fileFindings.flat());
  const disables = new Set(resumeFrom?.head.disables ?? []);
  for (const file of behind) if (disables.has(file.path)) applyDisableComments(file, findings, knownIds, settings);
  for (const file of walked) applyDisableComments(file, findings, knownIds, settings);
  for (const id of Object.keys(input.config.rules)) {
    if (!knownIds.has(id) && id !== UNKNOWN_RULE && id !== UNUSED_DISABLE && id !== INVALID_DIRECTIVE) {
      findings.push({
        rule: UNKNOWN_RULE,
        file: input.configFile ?? '<config>',
        span: { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 },
        message: `lint.rules names an unknown rule "${id}"`,
        hint: `known rules: ${[...knownIds].sort().join(', ')}`,
      });
    }
  }

  return result(findings, files, new Set(walked), input, settings);
}

/** `hooks`: the rules' hooks that have a `statement` hook. */
function visit(statement: Statement, file: LintFile, hooks: RuleHooks[], schema: SchemaModel): void {
  for (const hook of hooks) hook.statement!(statement, file);
  schema.apply(statement, file);
}

/**
 * The key under which the parse cache keeps a file's parse result: its checksum, or for a text with a CR
 * the sha256 of the text itself. The checksum reads CRLF as LF, but parse results hold offsets into the
 * text as written, and two files may differ only in where their CRLFs are.
 */
function parseKey(source: MigrationSource): string {
  return source.text.includes('\r') ? createHash('sha256').update(source.text).digest('hex') : source.checksum;
}

/** The parse result the cache has for a file; null for a file that is not parsed (invalid UTF-8). */
function cachedParse(source: MigrationSource, cache: ParseCache | undefined): ParsedSql | null | undefined {
  if (!source.validUtf8) return null;
  return cache?.get(parseKey(source))?.parsed;
}

/**
 * A file ready to walk: unread with the parse cache's entry for it, or read, with its parse result if
 * the cache has one (undefined: to be parsed; null: not parsed, see cachedParse). A direct walk reads
 * every file (it does not read the parse cache).
 */
type Prepared =
  | { unread: UnreadSource; cached: CachedParse }
  | { unread?: undefined; source: MigrationSource; parsed: ParsedSql | null | undefined };

function prepare(lintSource: LintSource, cache: ParseCache | undefined, direct: boolean): Prepared {
  let source: MigrationSource;
  if (isUnread(lintSource)) {
    const cached = direct ? undefined : cache?.get(lintSource.checksum);
    if (cached && !cached.keyedByText && cached.size === lintSource.size) return { unread: lintSource, cached };
    source = lintSource.read();
  } else {
    source = lintSource;
  }
  return { source, parsed: direct ? (source.validUtf8 ? undefined : null) : cachedParse(source, cache) };
}

/**
 * The file's parse result, from the cache or parsed now (the parser must be loaded). A `direct` parse
 * (see DIRECT_PARSE_FILES) is not added to the cache: most of those files are in it already, unread,
 * and adding them on every lint after an edit would only repeat them in parsed.jsonl; a later walk
 * that reads the cache parses the few that are not.
 */
function parsedOf(source: MigrationSource, cache: ParseCache | undefined, direct = false): ParsedSql {
  if (!source.validUtf8) return { statements: [], errors: [invalidUtf8(source.text)], comments: [] };
  if (direct) return parseSql(source.text);
  const cached = cachedParse(source, cache);
  if (cached) return cached;
  const parsed = parseSql(source.text);
  cache?.set(parseKey(source), source, parsed);
  return parsed;
}

/** PostgreSQL refuses the whole file; what the decoder made of it is not worth parsing. */
function invalidUtf8(text: string): ParseError {
  const offset = Math.max(0, text.indexOf('\uFFFD'));
  return { message: 'invalid byte sequence for encoding "UTF8"', span: spanOfLine(text, offset) };
}

function readFile(source: MigrationSource, cached: ParsedSql | null | undefined, cache: ParseCache | undefined, direct: boolean): LintFile {
  const { file, text, directives } = source;
  const parsed = cached ?? parsedOf(source, cache, direct);
  return {
    path: file.path,
    fileName: file.fileName,
    version: file.version,
    name: file.name,
    direction: file.direction,
    text,
    directives,
    statements: parsed.statements,
    parseErrors: parsed.errors,
    comments: parsed.comments,
  };
}

/**
 * An unread file with its cached parse: its text is read on first use (a finding's code frame, a disable
 * comment). Not checkpoint.ts's lazyFile, whose statements are getters too: walking 10,000 such files
 * took 1.03-1.04x the time (alternated rounds, the synthetic set with one file edited).
 */
function unreadFile(source: UnreadSource, cached: CachedParse): LintFile {
  const { file } = source;
  const lintFile = {
    path: file.path,
    fileName: file.fileName,
    version: file.version,
    name: file.name,
    direction: file.direction,
    directives: cached.directives,
    statements: cached.parsed.statements,
    parseErrors: cached.parsed.errors,
    comments: cached.parsed.comments,
  } as LintFile;
  let text: string | undefined;
  Object.defineProperty(lintFile, 'text', { get: () => (text ??= source.read().text), enumerable: true });
  return lintFile;
}

/** What the engine itself reports on a file: syntax errors and directives without effect. */
function addEngineFindings(file: LintFile, findings: Finding[]): void {
  for (const error of file.parseErrors) findings.push(syntaxError(file.path, error));
  for (const directive of file.directives.misplaced) findings.push(invalidDirective(file, directive, 'misplaced'));
  for (const directive of file.directives.unknown) findings.push(invalidDirective(file, directive, 'unknown'));
}

function hasDisableComment(file: LintFile): boolean {
  return file.comments.some((comment) => comment.text.includes('sqlmig-disable'));
}

function invalidDirective(file: LintFile, directive: DirectiveComment, problem: 'misplaced' | 'unknown'): Finding {
  const written = `-- sqlmig:${directive.name}`;
  const where = { rule: INVALID_DIRECTIVE, file: file.path, span: directiveSpan(file.text, directive.line) };
  if (problem === 'unknown') {
    return {
      ...where,
      message: `unknown directive ${written}: it has no effect`,
      hint: 'the only directive is `-- sqlmig:no-transaction` (run this file outside a transaction); fix the spelling or remove the comment',
      maxSeverity: 'warn',
    };
  }
  const effect = directive.name === 'no-transaction' ? ': this file runs in a transaction' : '';
  return {
    ...where,
    message: `${written} after the first statement has no effect${effect}`,
    hint: 'directives go in the comments above the first statement: move it to the top of the file',
  };
}

/** The directive comment on 1-based `line`: from its `--` to the end of the line. */
function directiveSpan(text: string, line: number): Span {
  let start = 0;
  for (let current = 1; current < line; current++) start = text.indexOf('\n', start) + 1;
  const lineEnd = text.indexOf('\n', start);
  const lineText = text.slice(start, lineEnd === -1 ? text.length : lineEnd).trimEnd();
  const column = Math.max(0, lineText.search(/--\s*sqlmig\s*:/i)) + 1;
  return { start: start + column - 1, end: start + lineText.length, line, column, endLine: line, endColumn: lineText.length + 1 };
}

function syntaxError(path: string, error: ParseError): Finding {
  return {
    rule: SYNTAX_ERROR,
    file: path,
    span: error.span,
    message: error.message,
    hint: error.tooLarge
      ? 'the SQL itself may be fine: sqlmig cannot lint a file this large, the server can run it. Split it into smaller migrations, or apply it without the lint gate: `sqlmig up --no-lint`'
      : 'this is PostgreSQL’s own parser: fix the SQL; the rest of the file was linted where it could be split into statements',
  };
}

/** A zero-width span at `offset`, with its line and column. */
function spanOfLine(text: string, offset: number): Span {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { start: offset, end: offset, line, column, endLine: line, endColumn: column };
}

function groupByVersion(files: LintFile[]): LintMigration[] {
  const migrations: LintMigration[] = [];
  for (const file of files) {
    let migration = migrations[migrations.length - 1];
    if (migration?.version !== file.version) {
      migration = { version: file.version };
      migrations.push(migration);
    }
    // Duplicate versions are migration-filename's to report; every file is visited, the first of each direction stands for the version here.
    if (file.direction === 'up') migration.up ??= file;
    else migration.down ??= file;
  }
  return migrations;
}

function toFinding(rule: string, report: RuleReport, current: LintFile | undefined): Finding {
  const file = report.path === undefined ? (report.file ?? current) : undefined;
  const path = report.path ?? file?.path;
  if (path === undefined) throw new Error(`rule ${rule} reported outside a file without naming one`);
  return {
    rule,
    file: path,
    // A file outside the sequence has no text here: line 1, column 1.
    span: report.span ?? wholeFile(file?.text ?? ''),
    message: report.message,
    ...(report.hint !== undefined ? { hint: report.hint } : {}),
    ...(report.maxSeverity !== undefined ? { maxSeverity: report.maxSeverity } : {}),
    ...(report.table !== undefined ? { table: { ...(report.table.schema !== undefined ? { schema: report.table.schema } : {}), name: report.table.name } } : {}),
  };
}

/** A whole-file diagnostic points at line 1. */
function wholeFile(text: string): Span {
  const newline = text.indexOf('\n');
  const end = (newline === -1 ? text.length : newline) - (text[newline - 1] === '\r' ? 1 : 0);
  return { start: 0, end: Math.max(0, end), line: 1, column: 1, endLine: 1, endColumn: Math.max(0, end) + 1 };
}

function applyDisableComments(
  file: LintFile,
  findings: Finding[],
  knownIds: ReadonlySet<string>,
  settings: ReadonlyMap<string, RuleSetting>,
): void {
  if (!hasDisableComment(file)) return;
  const directives = readDisableDirectives(file.text, file.comments);
  if (directives.length === 0) return;
  for (let index = findings.length - 1; index >= 0; index--) {
    const finding = findings[index]!;
    if (finding.file !== file.path || finding.rule === SYNTAX_ERROR) continue;
    const matching = directives.filter(
      (directive) =>
        directive.ruleId === finding.rule && (directive.scope === 'file' || directive.line === finding.span.line),
    );
    if (matching.length === 0) continue;
    for (const directive of matching) directive.used = true;
    findings.splice(index, 1);
  }
  for (const directive of directives) {
    const comment = directive.scope === 'file' ? 'sqlmig-disable' : 'sqlmig-disable-next-line';
    if (!knownIds.has(directive.ruleId)) {
      findings.push({
        rule: UNKNOWN_RULE,
        file: file.path,
        span: directive.span,
        message: directive.ruleId === '' ? `${comment} names no rule` : `${comment} names an unknown rule "${directive.ruleId}"`,
        hint: 'write the rule ids to disable, comma-separated, then ` -- ` and the reason; `sqlmig rules` lists them',
      });
    } else if (!directive.used && settings.get(directive.ruleId) !== 'off') {
      findings.push({
        rule: UNUSED_DISABLE,
        file: file.path,
        span: directive.span,
        message:
          directive.scope === 'file'
            ? `${directive.ruleId} reports nothing in this file, so this disable comment has no effect`
            : directive.line === undefined
              ? `no SQL follows this ${comment} comment`
              : `${directive.ruleId} reports nothing on line ${directive.line}, so this disable comment has no effect`,
        hint: 'remove the comment (or put it directly above the statement it is meant for)',
      });
    }
  }
}

function result(
  findings: Finding[],
  files: LintFile[],
  /** The files whose text is at hand (when resumed, those behind the checkpoint are not read). */
  walked: ReadonlySet<LintFile>,
  input: LintInput,
  settings: ReadonlyMap<string, RuleSetting>,
): LintResult {
  const { reportOn } = input;
  const severityOf = (finding: Finding): DiagnosticSeverity | undefined => {
    const { rule } = finding;
    if (rule === SYNTAX_ERROR) return 'error';
    const setting = settings.get(rule) ?? input.config.rules[rule] ?? (rule === INVALID_DIRECTIVE ? 'error' : 'warn');
    return setting === 'off' ? undefined : setting === 'warn' || finding.maxSeverity === 'warn' ? 'warning' : 'error';
  };
  const { baseline } = input.config;
  const baselined = new Set(baseline === undefined ? [] : files.filter((file) => file.version <= baseline).map((file) => file.path));
  const reported = files.filter((file) => (!reportOn || reportOn.has(file.path)) && !baselined.has(file.path));
  const diagnostics: Diagnostic[] = [];
  for (const finding of findings) {
    const severity = severityOf(finding);
    // An edit to an old migration is news, not history: edited-migration still reports it.
    if (!severity || (baselined.has(finding.file) && finding.rule !== 'edited-migration')) continue;
    // Files outside the sequence (sqlmig.sum, misnamed files) are reported like the others: when named, or when nothing is.
    if (reportOn && !reportOn.has(finding.file) && finding.file !== (input.configFile ?? '<config>')) continue;
    const { span } = finding;
    diagnostics.push({
      file: finding.file,
      line: span.line,
      column: span.column,
      endLine: span.endLine,
      endColumn: span.endColumn,
      rule: finding.rule,
      severity,
      message: finding.message,
      ...(finding.hint !== undefined ? { hint: finding.hint } : {}),
      ...(finding.table !== undefined ? { table: finding.table } : {}),
    });
  }
  diagnostics.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
  // Only the texts of files with findings are taken: an unread file is read for its text.
  const withFindings = new Set(diagnostics.map((diagnostic) => diagnostic.file));
  return lintResultOf(
    diagnostics,
    reported.map((file) => ({ path: file.path, text: walked.has(file) && withFindings.has(file.path) ? file.text : undefined })),
  );
}

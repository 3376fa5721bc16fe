import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../src/config/defaults.js';
import type { LintConfig } from '../../src/config/types.js';
import { lintSequence, type CachedParse, type LintSource, type ParseCache, type UnreadSource } from '../../src/lint/engine.js';
import type { Diagnostic } from '../../src/lint/diagnostic.js';
import type { Rule } from '../../src/lint/rule.js';
import type { MigrationSource } from '../../src/migrations/types.js';
import type { ParsedSql } from '../../src/parse/types.js';
import destructiveChange from '../../rules/destructive-change.js';
import { rules as registry } from '../../rules/index.js';
import requireIfExists from '../../rules/require-if-exists.js';
import requireIfNotExists from '../../rules/require-if-not-exists.js';
import { exampleSource } from '../rules/rule-tester.js';

const RULES = [requireIfNotExists, requireIfExists, destructiveChange];

/** The default lint settings as a config of our own (the defaults object itself is read-only). */
/** A rule of a test's own: what it does is all `check`. */
function testRule(id: string, defaultSeverity: Rule['defaultSeverity'], description: string, check: Rule['check']): Rule {
  return { id, defaultSeverity, description, rationale: 'test', examples: { bad: [], good: [] }, check };
}

function defaultLintConfig(): LintConfig {
  const { rules, knownTables, statusColumns, smallTableRows } = configDefaults.lint;
  return { rules: { ...rules }, knownTables: [...knownTables], statusColumns: [...statusColumns], smallTableRows };
}

async function lint(
  files: Record<string, string>,
  options: { config?: Partial<LintConfig>; reportOn?: string[]; rules?: Rule[]; sources?: MigrationSource[] } = {},
) {
  const sources = options.sources ?? Object.entries(files).map(([name, sql]) => exampleSource(name, sql));
  return lintSequence({
    sources,
    rules: options.rules ?? RULES,
    config: { ...defaultLintConfig(), ...options.config },
    reportOn: options.reportOn && new Set(options.reportOn.map((name) => `/examples/${name}`)),
    configFile: '/project/.migraterc.json',
  });
}

/** `file:line:column rule severity`. */
function brief(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.file.replace('/examples/', '')}:${d.line}:${d.column} ${d.rule} ${d.severity}`);
}

describe('disable comments', () => {
  it('disable-next-line covers the next line with SQL, for the rules it names; the reason is free text', async () => {
    const sql = [
      '-- sqlmig-disable-next-line require-if-not-exists -- legacy table, created once',
      'CREATE TABLE a (id int);',
      'CREATE TABLE b (id int);',
    ].join('\n');
    expect(brief((await lint({ '0001_x.up.sql': sql })).diagnostics)).toEqual(['0001_x.up.sql:3:14 require-if-not-exists error']);
  });

  it('stacks: blank and comment-only lines between the comment and the SQL are skipped', async () => {
    const sql = [
      '-- sqlmig-disable-next-line require-if-exists -- approved in #42',
      '/* sqlmig-disable-next-line destructive-change */',
      '',
      '-- the old table goes',
      'DROP TABLE legacy;',
    ].join('\n');
    expect((await lint({ '0001_x.up.sql': sql })).diagnostics).toEqual([]);
  });

  it('names several rules with commas and a diagnostic inside a statement', async () => {
    const sql = [
      'ALTER TABLE users',
      '  -- sqlmig-disable-next-line require-if-exists, destructive-change',
      '  DROP COLUMN nickname;',
    ].join('\n');
    expect((await lint({ '0001_x.up.sql': sql })).diagnostics).toEqual([]);
  });

  it('file-level disable covers the whole file, wherever it stands', async () => {
    const sql = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n-- sqlmig-disable require-if-not-exists -- generated schema dump';
    expect((await lint({ '0001_x.up.sql': sql })).diagnostics).toEqual([]);
  });

  it('reports disable comments that suppress nothing, and unknown rule ids, as warnings at the rule id', async () => {
    const sql = [
      '-- sqlmig-disable-next-line require-if-exists',
      'CREATE TABLE IF NOT EXISTS a (id int);',
      '-- sqlmig-disable no-such-rule',
      '-- sqlmig-disable-next-line',
      'SELECT 1;',
      '-- sqlmig-disable-next-line destructive-change',
    ].join('\n');
    const { diagnostics } = await lint({ '0001_x.up.sql': sql });
    expect(diagnostics.map((d) => `${d.line}:${d.column}-${d.endColumn} ${d.rule} ${d.severity}: ${d.message}`)).toEqual([
      '1:29-46 unused-disable warning: require-if-exists reports nothing on line 2, so this disable comment has no effect',
      '3:19-31 unknown-rule warning: sqlmig-disable names an unknown rule "no-such-rule"',
      '4:1-28 unknown-rule warning: sqlmig-disable-next-line names no rule',
      '6:29-47 unused-disable warning: no SQL follows this sqlmig-disable-next-line comment',
    ]);
  });

  it('a disable comment for a rule that is off is not reported as unused', async () => {
    const sql = '-- sqlmig-disable-next-line destructive-change\nDELETE FROM users WHERE id = 1;';
    const { diagnostics } = await lint({ '0001_x.up.sql': sql }, { config: { rules: { 'destructive-change': 'off' } } });
    expect(diagnostics).toEqual([]);
  });

  it('a disable comment inside a string is not a comment', async () => {
    const sql = "SELECT '-- sqlmig-disable require-if-not-exists';\nCREATE TABLE a (id int);";
    expect(brief((await lint({ '0001_x.up.sql': sql })).diagnostics)).toEqual(['0001_x.up.sql:2:14 require-if-not-exists error']);
  });
});

describe('severities', () => {
  const sql = 'CREATE TABLE a (id int);\nDROP TABLE b;';

  it('uses each rule’s default, which config overrides; off drops the rule', async () => {
    expect(brief((await lint({ '0001_x.up.sql': sql })).diagnostics)).toEqual([
      '0001_x.up.sql:1:14 require-if-not-exists error',
      '0001_x.up.sql:2:1 destructive-change warning',
      '0001_x.up.sql:2:1 require-if-exists error',
    ]);
    const result = await lint(
      { '0001_x.up.sql': sql },
      { config: { rules: { 'require-if-not-exists': 'warn', 'require-if-exists': 'off', 'destructive-change': 'error' } } },
    );
    expect(brief(result.diagnostics)).toEqual([
      '0001_x.up.sql:1:14 require-if-not-exists warning',
      '0001_x.up.sql:2:1 destructive-change error',
    ]);
    expect([result.errorCount, result.warningCount]).toEqual([1, 1]);
  });

  it('reports unknown rule ids in the config on the config file', async () => {
    const { diagnostics } = await lint({ '0001_x.up.sql': 'SELECT 1;' }, { config: { rules: { 'requre-if-exists': 'error' } } });
    expect(diagnostics).toMatchObject([
      { file: '/project/.migraterc.json', line: 1, rule: 'unknown-rule', severity: 'warning', message: 'lint.rules names an unknown rule "requre-if-exists"' },
    ]);
  });

  it('config may silence unused-disable and unknown-rule', async () => {
    const sql = '-- sqlmig-disable-next-line nope\nSELECT 1;';
    const { diagnostics } = await lint({ '0001_x.up.sql': sql }, { config: { rules: { 'unknown-rule': 'off' } } });
    expect(diagnostics).toEqual([]);
  });
});

describe('the sequence', () => {
  it('reports only on the files asked for, after analysing all of them', async () => {
    const files = {
      '0001_a.up.sql': 'CREATE TABLE a (id int);',
      '0001_a.down.sql': 'DROP TABLE a;',
      '0002_b.up.sql': 'CREATE TABLE b (id int);',
    };
    const result = await lint(files, { reportOn: ['0002_b.up.sql'] });
    expect(brief(result.diagnostics)).toEqual(['0002_b.up.sql:1:14 require-if-not-exists error']);
    expect(result.fileCount).toBe(1);
    expect([...result.sources.keys()]).toEqual(['/examples/0002_b.up.sql']);
    expect((await lint(files)).fileCount).toBe(3);
  });

  it('a syntax error is a diagnostic; the rest of that file and the other files are still linted', async () => {
    const result = await lint({
      '0001_a.up.sql': 'CREATE TABLE a (id int);\nCREATE TABLE b (id int)\nCREATE TABLE c (id int);\nCREATE TABLE d (id int);',
      '0002_b.up.sql': 'CREATE TABLE e (id int);',
    });
    expect(result.diagnostics.map((d) => `${d.file.replace('/examples/', '')}:${d.line}:${d.column} ${d.rule} ${d.message}`)).toEqual([
      '0001_a.up.sql:1:14 require-if-not-exists CREATE TABLE a fails when it already exists',
      '0001_a.up.sql:3:1 syntax-error syntax error at or near "CREATE"',
      '0001_a.up.sql:4:14 require-if-not-exists CREATE TABLE d fails when it already exists',
      '0002_b.up.sql:1:14 require-if-not-exists CREATE TABLE e fails when it already exists',
    ]);
  });

  it('invalid UTF-8 and binary files are one syntax error each, never a crash', async () => {
    const invalid = { ...exampleSource('0001_a.up.sql', 'SELECT 1;\nSELECT \uFFFD;'), validUtf8: false };
    const binary = exampleSource('0002_b.up.sql', '\0\u0001\u0002ELF\0\0');
    const { diagnostics } = await lint({}, { sources: [invalid, binary] });
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.rule} ${d.message}`)).toEqual([
      '2:8 syntax-error invalid byte sequence for encoding "UTF8"',
      '1:1 syntax-error invalid byte sequence for encoding "UTF8": 0x00',
    ]);
  });

  it('walks versions in order, each up file before its down file; a down file sees its up file’s schema on a copy', async () => {
    const seen: string[] = [];
    const recorder = testRule('recorder', 'error', 'records the walk', (context) => ({
      fileStart: (file) => seen.push(`start ${file.fileName}`),
      statement: (statement, file) =>
        seen.push(`${file.fileName}:${statement.line} ${statement.embedded ?? 'top'} tables=${[...context.schema.tables.keys()].join(',')}`),
      migration: (migration) => seen.push(`migration ${migration.version}`),
      sequenceEnd: () => seen.push(`end tables=${[...context.schema.tables.keys()].join(',')}`),
    }));
    await lint(
      {
        '0002_b.up.sql': 'DO $$ BEGIN CREATE TABLE b (id int); END $$;\nSELECT 1;',
        '0001_a.down.sql': 'DROP TABLE a;\nSELECT 1;',
        '0001_a.up.sql': 'CREATE TABLE a (id int);',
      },
      { rules: [recorder] },
    );
    expect(seen).toEqual([
      'start 0001_a.up.sql',
      '0001_a.up.sql:1 top tables=',
      'start 0001_a.down.sql',
      '0001_a.down.sql:1 top tables=public.a',
      '0001_a.down.sql:2 top tables=',
      'migration 1',
      'start 0002_b.up.sql',
      '0002_b.up.sql:1 top tables=public.a',
      '0002_b.up.sql:1 do-block tables=public.a',
      '0002_b.up.sql:2 top tables=public.a,public.b',
      'migration 2',
      'end tables=public.a,public.b',
    ]);
  });

  it('sorts diagnostics by file, line and column; a report without a span lands on line 1', async () => {
    const wholeFile = testRule('whole-file', 'warn', 'reports each file', (context) => ({
      fileEnd: () => context.report({ message: 'about the file' }),
    }));
    const { diagnostics } = await lint(
      { '0002_b.up.sql': 'SELECT 1;\nCREATE TABLE b (id int);', '0001_a.up.sql': '  CREATE TABLE a (id int);' },
      { rules: [wholeFile, requireIfNotExists] },
    );
    expect(diagnostics.map((d) => `${d.file.replace('/examples/', '')}:${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.rule}`)).toEqual([
      '0001_a.up.sql:1:1-1:27 whole-file',
      '0001_a.up.sql:1:16-1:17 require-if-not-exists',
      '0002_b.up.sql:1:1-1:10 whole-file',
      '0002_b.up.sql:2:14-2:15 require-if-not-exists',
    ]);
  });
});

describe('parse cache', () => {
  it('parses a file once per checksum; JSON round-tripped results lint the same', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN nickname text;\nDO $$ BEGIN EXECUTE $x$CREATE INDEX CONCURRENTLY i ON t (a)$x$; END $$;';
    const source = { ...exampleSource('0001_a.up.sql', sql), checksum: 'abc' };
    const stored = new Map<string, string>();
    const cache = {
      has: (checksum: string) => stored.has(checksum),
      get: (checksum: string) => (stored.has(checksum) ? JSON.parse(stored.get(checksum)!) : undefined),
      set: (checksum: string, from: MigrationSource, parsed: ParsedSql) =>
        void stored.set(checksum, JSON.stringify({ parsed, size: from.size, length: from.text.length, directives: from.directives })),
    };
    const run = () => lintSequence({ sources: [source], rules: registry, config: defaultLintConfig(), parseCache: cache });
    const first = await run();
    expect([...stored.keys()]).toEqual(['abc']);
    const second = await run();
    expect(second.diagnostics).toEqual(first.diagnostics);
    expect(first.diagnostics.length).toBeGreaterThan(0);
  });

  it('walks an unread file from its entry when the sizes agree; reads one whose size differs (CRLF) and parses it under its own key', async () => {
    const stored = new Map<string, CachedParse>();
    const cache = {
      has: (checksum: string) => stored.has(checksum),
      get: (checksum: string) => stored.get(checksum),
      set: (checksum: string, from: MigrationSource, parsed: ParsedSql) =>
        void stored.set(checksum, { parsed, size: from.size, keyedByText: checksum !== from.checksum, length: from.text.length, directives: from.directives }),
    };
    let reads = 0;
    const unread = (source: MigrationSource): UnreadSource => ({
      file: source.file,
      checksum: source.checksum,
      size: source.size,
      read: () => (reads++, source),
    });
    // A lone up file: require-down off.
    const config = defaultLintConfig();
    config.rules['require-down'] = 'off';
    const lintOne = (source: LintSource, parseCache?: ParseCache) => lintSequence({ sources: [source], rules: registry, config, parseCache });
    // No finding: a finding's code frame would read the file.
    const clean = 'SELECT 1;\nCREATE TABLE IF NOT EXISTS t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n';
    const lf = { ...exampleSource('0001_a.up.sql', clean), checksum: 'abc' };
    const first = await lintOne(lf, cache);
    expect(first.diagnostics).toEqual([]);
    expect(await lintOne(unread(lf), cache)).toEqual(first);
    expect(reads).toBe(0);

    // The same checksum (CRLF read as LF) and more bytes: the entry is another file's.
    const crlf = { ...exampleSource('0001_a.up.sql', clean.replaceAll('\n', '\r\n')), checksum: 'abc' };
    expect(await lintOne(unread(crlf), cache)).toEqual(await lintOne(crlf));
    expect(reads).toBe(1);
    expect(stored.size).toBe(2);

    // An entry keyed by its text's hash is never taken for an unread file, whatever the sizes.
    reads = 0;
    stored.set('jkl', { ...stored.get('abc')!, keyedByText: true });
    expect(await lintOne(unread({ ...lf, checksum: 'jkl' }), cache)).toEqual(first);
    expect(reads).toBe(1);

    // Where the CRLFs are is part of the key: the same checksum, the same size, statements elsewhere.
    const starts: number[] = [];
    const probe = testRule('probe', 'warn', 'records where the second statement starts', () => ({
      statement: (statement, file) => void (file.statements[1] === statement && starts.push(statement.start)),
    }));
    const crlfFirst = { ...exampleSource('0001_a.up.sql', 'SELECT 1;\r\nSELECT 2;\n'), checksum: 'ghi' };
    const crlfSecond = { ...exampleSource('0001_a.up.sql', 'SELECT 1;\nSELECT 2;\r\n'), checksum: 'ghi' };
    for (const source of [crlfFirst, crlfSecond]) await lintSequence({ sources: [source], rules: [probe], config, parseCache: cache });
    expect(starts).toEqual([11, 10]);

    // A finding's code frame reads the file once.
    const finding = { ...exampleSource('0001_a.up.sql', 'CREATE TABLE t (id bigint);\n'), checksum: 'def' };
    await lintOne(finding, cache);
    reads = 0;
    const walked = await lintOne(unread(finding), cache);
    expect(walked.diagnostics.map((d) => `${d.line}:${d.column} ${d.rule}`)).toContain('1:14 require-if-not-exists');
    expect(walked.sources.get(finding.file.path)).toBe(finding.text);
    expect(reads).toBe(1);
  });
});

/**
 * The lint cache (.sqlmig/cache): parse results by content hash and the last
 * result, reused only for the same input, never trusted when unreadable.
 * Tampering with a cached parse result shows whether lint used it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/run.js';
import { lint } from '../../src/index.js';
import { fakeIO } from '../helpers/io.js';

const version = vi.hoisted(() => ({ current: '1.0.0' }));
vi.mock('../../src/package-version.js', () => ({ packageVersion: () => version.current }));

/** The migration files read (by file name), whoever reads them. */
const reads = vi.hoisted(() => ({ names: [] as string[] }));
vi.mock('../../src/migrations/source.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/migrations/source.js')>();
  type Files = ReadonlyArray<{ fileName: string }>;
  const record = (files: Files) => reads.names.push(...files.map((file) => file.fileName));
  return {
    ...original,
    readMigrationSources: (files: Parameters<typeof original.readMigrationSources>[0], known?: Parameters<typeof original.readMigrationSources>[1]) => {
      record(files);
      return original.readMigrationSources(files, known);
    },
    readMigrationSourcesWithStats: (files: Parameters<typeof original.readMigrationSourcesWithStats>[0]) => {
      record(files);
      return original.readMigrationSourcesWithStats(files);
    },
  };
});

const USERS_UP = '0001_create_users.up.sql';
/** No IF NOT EXISTS: require-if-not-exists reports line 1. */
const USERS_SQL = 'CREATE TABLE users (id bigint PRIMARY KEY);\n';

let root: string;
let sql: string;
let cacheDir: string;

beforeEach(() => {
  version.current = '1.0.0';
  root = mkdtempSync(join(tmpdir(), 'sqlmig-cache-'));
  sql = join(root, 'sql');
  cacheDir = join(root, '.sqlmig', 'cache');
  writeFileSync(join(root, '.migraterc.json'), '{ "dir": "sql" }\n');
  mkdirSync(sql);
  writeFileSync(join(sql, USERS_UP), USERS_SQL);
  writeFileSync(join(sql, '0001_create_users.down.sql'), 'DROP TABLE IF EXISTS users;\n');
});

afterEach(() => {
  vi.useRealTimers();
  rmSync(root, { recursive: true, force: true });
});

/** Adds migration files to sql/. */
function writeSql(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(sql, name), text);
}

/** Moves Date a minute ahead (afterEach moves it back): the files are not "written moments ago" any more, so checksums.json records them. */
function aMinuteLater(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 60_000);
}

/** sqlmig.sum as `sqlmig hash` writes it for the files in sql/. */
async function hashedSum(): Promise<string> {
  const { computeSum, discoverMigrations, migrationFiles, readMigrationSources } = await import('../../src/migrations/index.js');
  return computeSum(readMigrationSources(migrationFiles(discoverMigrations(sql))));
}

async function findings(options: { cache?: boolean } = {}): Promise<string[]> {
  const result = await lint({ cwd: root, env: {}, cacheDir: options.cache === false ? undefined : cacheDir });
  return result.diagnostics.map((d) => `${d.file.slice(sql.length + 1)}:${d.line} ${d.rule}`);
}

const parsedFile = () => join(cacheDir, 'parsed.jsonl');
const resultFile = () => join(cacheDir, 'result.json');
const packLines = () => readFileSync(parsedFile(), 'utf8').trimEnd().split('\n');

/**
 * Replaces every cached parse result with one of no statements (no findings), and drops the stored
 * result unless told, and the walk's checkpoints (test/lint/incremental.test.ts tests those), so that
 * the files are walked again from their parse results.
 */
function tamperWithParsedFiles(options: { keepResult?: boolean } = {}): void {
  const [header, ...entries] = packLines();
  const emptied = (line: string) => {
    const entry = JSON.parse(line.slice(65)) as { parsed: unknown };
    entry.parsed = { statements: [], errors: [], comments: [] };
    return `${line.slice(0, 64)} ${JSON.stringify(entry)}`;
  };
  writeFileSync(parsedFile(), [header, ...entries.map(emptied)].join('\n') + '\n');
  if (!options.keepResult) {
    rmSync(resultFile());
    rmSync(join(cacheDir, 'checkpoints'), { recursive: true, force: true });
  }
}

describe('lint cache', () => {
  it('a second run returns the stored result: no file is parsed, nothing is rewritten', async () => {
    const uncached = await lint({ cwd: root, env: {} });
    expect(await lint({ cwd: root, env: {}, cacheDir })).toEqual(uncached);
    expect(await lint({ cwd: root, env: {}, cacheDir })).toEqual(uncached);
    const first = await findings();
    expect(first).toContain(`${USERS_UP}:1 require-if-not-exists`);
    expect(packLines()).toHaveLength(3); // header, up file, down file
    const stored = readFileSync(resultFile(), 'utf8');
    tamperWithParsedFiles({ keepResult: true });
    expect(await findings()).toEqual(first);
    expect(readFileSync(resultFile(), 'utf8')).toBe(stored);
  });

  it('without a stored result, files whose content is unchanged are not parsed again', async () => {
    await findings();
    tamperWithParsedFiles();
    expect(await findings()).not.toContain(`${USERS_UP}:1 require-if-not-exists`);
  });

  it('an edited file is parsed again, and the entry of its old content is dropped', async () => {
    await findings();
    const oldEntries = packLines().slice(1);
    tamperWithParsedFiles();
    writeFileSync(join(sql, USERS_UP), `-- edited\n${USERS_SQL}`);
    expect(await findings()).toContain(`${USERS_UP}:2 require-if-not-exists`);
    const entries = packLines().slice(1);
    expect(entries).toHaveLength(2);
    expect(entries.filter((line) => oldEntries.includes(line))).toHaveLength(0);
  });

  it('edits append their entries to parsed.jsonl; it is rewritten, without stale and repeated lines, once they pass a quarter of its lines', async () => {
    for (let version = 2; version <= 8; version++) {
      writeFileSync(join(sql, `000${version}_t${version}.up.sql`), `CREATE TABLE t${version} (id bigint);\n`);
      writeFileSync(join(sql, `000${version}_t${version}.down.sql`), `DROP TABLE t${version};\n`);
    }
    await findings();
    expect(packLines()).toHaveLength(17); // header and 16 distinct files
    const checksumsInPack = () => packLines().slice(1).map((line) => line.slice(0, 64));
    const edit = async (version: number, text: string, options: { walkAll?: boolean } = {}) => {
      // Without checkpoints the walk reads every stored entry (with them, the files after one are parsed directly).
      if (options.walkAll) rmSync(join(cacheDir, 'checkpoints'), { recursive: true, force: true });
      const before = readFileSync(parsedFile(), 'utf8');
      writeFileSync(join(sql, `000${version}_t${version}.up.sql`), text);
      expect(await findings()).toEqual(await findings({ cache: false }));
      return { before, after: readFileSync(parsedFile(), 'utf8') };
    };
    for (const version of [2, 3, 4, 5, 6]) {
      const { before, after } = await edit(version, `-- edited\nCREATE TABLE t${version} (id bigint);\n`, { walkAll: true });
      // Appended: the old content is still there, the new entry follows it.
      expect(after.startsWith(before)).toBe(true);
      expect(after.slice(before.length).trimEnd().split('\n')).toHaveLength(1);
    }
    expect(packLines()).toHaveLength(22); // 16 current entries and 5 stale ones: 5 of 21 lines read were stale, not more than a quarter
    const { before, after } = await edit(7, `-- edited\nCREATE TABLE t7 (id bigint);\n`, { walkAll: true });
    expect(after.startsWith(before)).toBe(false); // 6 of 22 were: rewritten
    expect(packLines()).toHaveLength(17); // the 6 stale entries dropped
    // A walk resumed from a checkpoint parses the few files after it without the cache, and adds nothing to it.
    for (let round = 0; round < 4; round++) {
      const { before, after } = await edit(8, `-- edit ${round}\nCREATE TABLE t8 (id bigint);\n`);
      expect(after).toBe(before);
    }
    // The next walk that reads the cache parses the newest content of t8, and appends it.
    const walked = await edit(2, `CREATE TABLE t2 (id bigint);\n`, { walkAll: true });
    expect(walked.after.startsWith(walked.before)).toBe(true);
    expect(packLines()).toHaveLength(19); // 16 current entries, t2's and t8's previous ones stale
    expect(new Set(checksumsInPack()).size).toBe(18);
  });

  it('files with the same content share one entry, and each is linted', async () => {
    writeFileSync(join(sql, '0002_create_orders.up.sql'), USERS_SQL);
    writeFileSync(join(sql, '0002_create_orders.down.sql'), 'DROP TABLE IF EXISTS users;\n');
    const first = await findings();
    expect(first).toEqual(expect.arrayContaining([`${USERS_UP}:1 require-if-not-exists`, '0002_create_orders.up.sql:1 require-if-not-exists']));
    const checksums = packLines()
      .slice(1)
      .map((line) => line.slice(0, 64));
    expect(checksums).toHaveLength(2); // two distinct contents among four files
    expect(new Set(checksums).size).toBe(2);
    rmSync(resultFile());
    expect(await findings()).toEqual(first);
  });

  it('an edit invalidates the stored result', async () => {
    await findings();
    writeFileSync(join(sql, USERS_UP), 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n');
    expect(await findings()).not.toContain(`${USERS_UP}:1 require-if-not-exists`);
  });

  it('corrupt entries and a corrupt result are ignored, and replaced', async () => {
    const expected = await findings();
    const [header, first, second] = packLines();
    writeFileSync(parsedFile(), `${header}\n${first!.slice(0, 64)} {"statements": [tru\n${second!.slice(0, 80)}\n`);
    writeFileSync(resultFile(), '{"key": "');
    rmSync(join(cacheDir, 'checkpoints'), { recursive: true, force: true });
    expect(await findings()).toEqual(expected);
    expect(packLines().slice(1).sort()).toEqual([first, second].sort());
    expect(() => JSON.parse(readFileSync(resultFile(), 'utf8'))).not.toThrow();
  });

  it('a reordered sqlmig.sum invalidates the stored result: its findings name lines of the sum', async () => {
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    // A hand-edited sum: the recorded total matches neither order, so only the entries' lines differ.
    const sumOf = (lines: string[]) => `total ${'f'.repeat(64)}\n${lines.map((line) => `${line}\n`).join('')}`;
    const up = `${sha256(USERS_SQL)}  ${USERS_UP}`;
    const down = `${sha256('DROP TABLE IF EXISTS users;\n')}  0001_create_users.down.sql`;
    const gone = `${'0'.repeat(64)}  0002_gone.up.sql`;
    const sumFindings = async () => (await findings()).filter((finding) => finding.startsWith('sqlmig.sum'));

    writeFileSync(join(sql, 'sqlmig.sum'), sumOf([gone, up, down]));
    expect(await sumFindings()).toContain('sqlmig.sum:2 edited-migration');
    writeFileSync(join(sql, 'sqlmig.sum'), sumOf([up, down, gone]));
    const reordered = await sumFindings();
    expect(reordered).toContain('sqlmig.sum:4 edited-migration');
    expect(reordered).not.toContain('sqlmig.sum:2 edited-migration');
  });

  it('checksums of untouched files come from checksums.json; a stored result reads only the files with findings, for code frames', async () => {
    writeFileSync(join(sql, 'sqlmig.sum'), await hashedSum());
    aMinuteLater();
    const pretty = async () => {
      const io = fakeIO({ cwd: root, env: {} });
      await run(['lint', '--no-color'], io);
      return io.stdoutText();
    };
    const first = await pretty();
    expect(first).toContain('CREATE TABLE users'); // the code frame
    expect(await pretty()).toBe(first);
    const cached = await lint({ cwd: root, env: {}, cacheDir });
    expect([...cached.sources.keys()]).toEqual([join(sql, USERS_UP)]);
    expect(cached.fileCount).toBe(2);
    // Without code frames (lint --format json, github, sarif), the same result carries no text.
    const withoutSources = await lint({ cwd: root, env: {}, cacheDir, withSources: false });
    expect(withoutSources.sources.size).toBe(0);
    expect(withoutSources.diagnostics).toEqual(cached.diagnostics);
    const json = fakeIO({ cwd: root, env: {} });
    await run(['lint', '--format', 'json'], json);
    expect((JSON.parse(json.stdoutText()) as { diagnostics: unknown[] }).diagnostics).toHaveLength(cached.diagnostics.length);

    // Believed while the down file's stats are unchanged: the sum then disagrees with it.
    const checksums = JSON.parse(readFileSync(join(cacheDir, 'checksums.json'), 'utf8')) as { files: Record<string, unknown[]> };
    checksums.files['0001_create_users.down.sql']![4] = '0'.repeat(64);
    writeFileSync(join(cacheDir, 'checksums.json'), JSON.stringify(checksums));
    expect(await findings()).toContain('0001_create_users.down.sql:1 edited-migration');
    expect(await findings({ cache: false })).not.toContain('0001_create_users.down.sql:1 edited-migration');
  });

  it('a walk after an edit reads the edited file, and of the others only those with findings (for code frames)', async () => {
    const clean = {
      '0002_create_posts.up.sql': 'CREATE TABLE IF NOT EXISTS posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n',
      '0002_create_posts.down.sql': 'DROP TABLE IF EXISTS posts;\n',
      '0003_comment.up.sql': 'COMMENT ON TABLE posts IS NULL;\n',
      '0003_comment.down.sql': 'COMMENT ON TABLE posts IS NULL;\n',
    };
    writeSql(clean);
    aMinuteLater();
    await lint({ cwd: root, env: {}, cacheDir });
    writeFileSync(join(sql, '0003_comment.up.sql'), `-- edited\n${clean['0003_comment.up.sql']}`);
    reads.names = [];
    const walked = await lint({ cwd: root, env: {}, cacheDir });
    expect(reads.names.sort()).toEqual(['0001_create_users.up.sql', '0003_comment.up.sql']);
    const uncached = await lint({ cwd: root, env: {} });
    expect(walked).toEqual(uncached);
    expect([...walked.sources.keys()]).toEqual([join(sql, USERS_UP)]);
  });

  it('an unread file walked from its parse result keeps its directives; entries carry them only when there are some', async () => {
    const files = {
      '0002_index.up.sql': '-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_id ON users (id);\n',
      '0002_index.down.sql': '-- sqlmig:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS users_id;\n',
      '0003_comment.up.sql': '-- sqlmig:no_transaction\nCOMMENT ON TABLE users IS NULL;\n',
      '0003_comment.down.sql': 'COMMENT ON TABLE users IS NULL;\n-- sqlmig:no-transaction\n',
      '0004_later.up.sql': 'COMMENT ON TABLE users IS NULL;\n',
      '0004_later.down.sql': 'COMMENT ON TABLE users IS NULL;\n',
    };
    writeSql(files);
    aMinuteLater();
    await lint({ cwd: root, env: {}, cacheDir });
    const withDirectives = packLines().filter((line) => line.includes('"directives"'));
    const hashOf = (name: string) => createHash('sha256').update(readFileSync(join(sql, name))).digest('hex');
    expect(withDirectives.map((line) => line.slice(0, 64)).sort()).toEqual(
      ['0002_index.up.sql', '0002_index.down.sql', '0003_comment.up.sql', '0003_comment.down.sql'].map(hashOf).sort(),
    );
    writeFileSync(join(sql, '0004_later.up.sql'), `-- edited\n${files['0004_later.up.sql']}`);
    reads.names = [];
    const walked = await lint({ cwd: root, env: {}, cacheDir });
    expect(reads.names).not.toContain('0002_index.up.sql');
    const uncached = await lint({ cwd: root, env: {} });
    expect(walked).toEqual(uncached);
    const rules = uncached.diagnostics.map((d) => `${d.file.slice(sql.length + 1)} ${d.rule}`);
    expect(rules).toEqual(expect.arrayContaining(['0003_comment.up.sql invalid-directive', '0003_comment.down.sql invalid-directive']));
    expect(rules.filter((rule) => rule.endsWith('concurrently-in-transaction'))).toEqual([]);
  });

  it('cache files are ASCII: other characters are escaped, and results read back from them are the same', async () => {
    // Cyrillic names in findings behind a checkpoint (findings.jsonl), in parse results and in the result.
    const files = {
      '0002_create_users_ru.up.sql': '-- пользователи… \nCREATE TABLE "пользователи" (id bigint);\n',
      '0002_create_users_ru.down.sql': 'DROP TABLE IF EXISTS "пользователи";\n',
      '0003_comment.up.sql': "COMMENT ON TABLE users IS 'таблица’';\n",
      '0003_comment.down.sql': 'COMMENT ON TABLE users IS NULL;\n',
    };
    writeSql(files);
    const uncached = () => lint({ cwd: root, env: {} });
    expect(await lint({ cwd: root, env: {}, cacheDir })).toEqual(await uncached());
    for (const edit of ['-- one\n', '-- two\n']) {
      writeFileSync(join(sql, '0003_comment.up.sql'), edit + files['0003_comment.up.sql']);
      expect(await lint({ cwd: root, env: {}, cacheDir })).toEqual(await uncached());
    }
    expect((await uncached()).diagnostics.map((d) => d.message)).toContain('CREATE TABLE "пользователи" fails when it already exists');
    const written = (readdirSync(cacheDir, { recursive: true }) as string[]).filter((name) => statSync(join(cacheDir, name)).isFile());
    expect(written).toEqual(expect.arrayContaining(['parsed.jsonl', 'result.json', join('checkpoints', 'findings.jsonl')]));
    for (const name of written) expect([name, [...readFileSync(join(cacheDir, name))].some((byte) => byte > 0x7f)]).toEqual([name, false]);
    expect(await lint({ cwd: root, env: {}, cacheDir })).toEqual(await uncached()); // from result.json
  });

  it('another sqlmig version ignores both files', async () => {
    const expected = await findings();
    tamperWithParsedFiles();
    // Stored under 1.0.0: a result and parse results that miss the finding.
    expect(await findings()).not.toEqual(expected);
    version.current = '1.0.1';
    expect(await findings()).toEqual(expected);
    expect(packLines()[0]).toContain('"sqlmig":"1.0.1"');
  });

  it('sqlmig lint keeps the cache in <project root>/.sqlmig/cache; --no-cache neither reads nor writes it', async () => {
    const io = () => fakeIO({ cwd: join(root, 'sql') });
    expect(await run(['lint', '--no-cache'], io())).toBe(1);
    expect(existsSync(join(root, '.sqlmig'))).toBe(false);

    expect(await run(['lint'], io())).toBe(1);
    expect(existsSync(resultFile())).toBe(true);
    expect(readFileSync(join(cacheDir, '.gitignore'), 'utf8')).toBe('*\n');

    tamperWithParsedFiles();
    const noCache = io();
    expect(await run(['lint', '--no-cache', '--format', 'json'], noCache)).toBe(1);
    expect(noCache.stdoutText()).toContain('require-if-not-exists');
    expect(existsSync(resultFile())).toBe(false);
  });
});

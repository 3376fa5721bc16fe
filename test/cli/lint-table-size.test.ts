import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import type { JsonLintReport } from '../../src/reporters/json.js';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { fakeIO } from '../helpers/io.js';

const INDEX_FILE = 'sql/0002_index_emails.up.sql';

let database: FreshDatabase;
let project: string;

beforeAll(async () => {
  database = await freshDatabase();
  // The database has big (20,000 rows) and small (10 rows), analysed so pg_class.reltuples is filled; ghost exists only in the migrations.
  await withConnection(database.url, (sql) =>
    sql.unsafe(`
      CREATE TABLE big (id bigint PRIMARY KEY, email text);
      INSERT INTO big SELECT g, 'user' || g FROM generate_series(1, 20000) AS g;
      CREATE TABLE small (id bigint PRIMARY KEY, email text);
      INSERT INTO small SELECT g, 'user' || g FROM generate_series(1, 10) AS g;
      ANALYZE big;
      ANALYZE small;
    `),
  );
  project = mkdtempSync(join(tmpdir(), 'sqlmig-lint-size-'));
  mkdirSync(join(project, 'sql'));
  const tables = ['big', 'small', 'ghost'];
  writeFileSync(
    join(project, 'sql/0001_create_tables.up.sql'),
    tables.map((table) => `CREATE TABLE IF NOT EXISTS ${table} (id bigint PRIMARY KEY, email text);\n`).join(''),
  );
  writeFileSync(join(project, 'sql/0001_create_tables.down.sql'), tables.map((table) => `DROP TABLE IF EXISTS ${table};\n`).join(''));
  // Line n locks table n of `tables`.
  writeFileSync(join(project, INDEX_FILE), tables.map((table) => `CREATE INDEX IF NOT EXISTS idx_${table}_email ON ${table} (email);\n`).join(''));
  writeFileSync(join(project, 'sql/0002_index_emails.down.sql'), tables.map((table) => `DROP INDEX IF EXISTS idx_${table}_email;\n`).join(''));
  expect(await run(['hash'], fakeIO({ cwd: project }))).toBe(0);
}, 60_000);

afterAll(async () => {
  rmSync(project, { recursive: true, force: true });
  await database.drop();
});

/** The require-concurrent-index findings on the index file, by line. */
async function indexFindings(args: string[]) {
  const io = fakeIO({ cwd: project });
  const code = await run(['lint', '--format', 'json', ...args], io);
  expect(io.stderrText()).toBe('');
  const report = JSON.parse(io.stdoutText()) as JsonLintReport;
  const findings = report.diagnostics.filter((d) => d.file === INDEX_FILE && d.rule === 'require-concurrent-index');
  expect(findings.map((d) => d.line)).toEqual([1, 2, 3]);
  return { code, report, findings };
}

describe('lint --url weighs lock findings by table size', () => {
  it('states rows and size, keeps an error on a large table, makes one on a small table a warning, leaves an unknown table alone', async () => {
    const { code, report, findings } = await indexFindings(['--url', database.url]);
    const [big, small, ghost] = findings;
    expect(big).toMatchObject({ line: 1, column: 1, severity: 'error', message: expect.stringMatching(/ \(~20,000 rows, \d+ [kM]B\)$/) });
    expect(small).toMatchObject({ line: 2, column: 1, severity: 'warning', message: expect.stringMatching(/ \(~10 rows, \d+ kB\)$/) });
    expect(ghost).toMatchObject({ line: 3, column: 1, severity: 'error' });
    expect(ghost?.message).not.toMatch(/rows/);
    expect(report.errorCount).toBe(report.diagnostics.filter((d) => d.severity === 'error').length);
    expect(code).toBe(1);
  });

  it('changes nothing without --url', async () => {
    const { findings } = await indexFindings([]);
    expect(findings.map((d) => d.severity)).toEqual(['error', 'error', 'error']);
    for (const finding of findings) expect(finding.message).not.toMatch(/rows/);
  });

  it('takes the threshold from lint.smallTableRows', async () => {
    writeFileSync(join(project, '.migraterc.json'), '{"lint": {"smallTableRows": 5}}');
    try {
      const { findings } = await indexFindings(['--url', database.url]);
      expect(findings[1]).toMatchObject({ severity: 'error', message: expect.stringContaining('(~10 rows, ') });
    } finally {
      rmSync(join(project, '.migraterc.json'));
    }
  });
});

describe('lint --url --wait', () => {
  it('retries an unreachable server for --wait seconds, then exits 2; a bad --wait is a usage error', async () => {
    const io = fakeIO({ cwd: project });
    const started = Date.now();
    expect(await run(['lint', '--url', 'postgres://postgres@127.0.0.1:1/none', '--wait', '1'], io)).toBe(2);
    // It retried rather than failing at the first refusal (a lower bound only: no timing limit).
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(io.stderrText()).toContain('cannot connect');
    const bad = fakeIO({ cwd: project });
    expect(await run(['lint', '--wait', 'soon'], bad)).toBe(2);
    expect(bad.stderrText()).toContain('--wait');
  });
});

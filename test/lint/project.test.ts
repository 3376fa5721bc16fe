/**
 * lintProject (the library's `lint`): a migrations folder as `sqlmig lint`
 * sees it — sqlmig.sum, file names, directives — and what it reports on.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lint } from '../../src/index.js';
import type { Diagnostic } from '../../src/lint/diagnostic.js';
import { discoverMigrations, migrationFiles, readMigrationSources, writeSumFile } from '../../src/migrations/index.js';

const USERS_UP = '0001_create_users.up.sql';
const USERS_DOWN = '0001_create_users.down.sql';
const BASE = {
  [USERS_UP]: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n',
  [USERS_DOWN]: 'DROP TABLE IF EXISTS users;\n',
};

let root: string;
let sql: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sqlmig-project-'));
  sql = join(root, 'sql');
  await writeFile(join(root, '.migraterc.json'), '{ "dir": "sql" }\n');
  await mkdir(sql);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(sql, name), text);
}

/** What `sqlmig hash` does. */
async function hash(): Promise<void> {
  writeSumFile(sql, readMigrationSources(migrationFiles(discoverMigrations(sql))));
}

/** `file:line:column rule severity` for the given rules (default: all), files relative to sql/. */
async function brief(rules?: string[], options: { reportOn?: string[] } = {}): Promise<string[]> {
  const reportOn = options.reportOn && new Set(options.reportOn.map((name) => join(sql, name)));
  const result = await lint({ cwd: root, env: {}, reportOn });
  return result.diagnostics
    .filter((d: Diagnostic) => !rules || rules.includes(d.rule))
    .map((d: Diagnostic) => `${d.file.slice(sql.length + 1)}:${d.line}:${d.column} ${d.rule} ${d.severity}`);
}

describe('lint: sqlmig.sum (edited-migration)', () => {
  it('a folder that matches its sum is clean', async () => {
    await write(BASE);
    await hash();
    expect(await brief()).toEqual([]);
  });

  it('no sum: exactly one warning, on the first file, however many files there are', async () => {
    await write({ ...BASE, '0002_b.up.sql': 'SELECT 1;\n', '0002_b.down.sql': 'SELECT 1;\n' });
    expect(await brief(['edited-migration'])).toEqual([`${USERS_UP}:1:1 edited-migration warning`]);
  });

  it('an edited file is an error on that file; outside git, the hint says so and when `sqlmig hash` is right', async () => {
    await write(BASE);
    await hash();
    await write({ [USERS_UP]: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);\n' });
    const result = await lint({ cwd: root, env: {} });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file: join(sql, USERS_UP),
        line: 1,
        column: 1,
        rule: 'edited-migration',
        severity: 'error',
        message: `${USERS_UP} changed after sqlmig.sum recorded it`,
        hint: expect.stringMatching(/^not in a git repository, so sqlmig cannot tell a draft from a committed migration: if it is applied nowhere yet, run `sqlmig hash`/),
      }),
    ]);
  });

  it('a new file not in the sum, and a sum entry without its file, make the sum stale', async () => {
    await write({ ...BASE, '0002_gone.up.sql': 'SELECT 1;\n', '0002_gone.down.sql': 'SELECT 1;\n' });
    await hash();
    await rm(join(sql, '0002_gone.up.sql'));
    await rm(join(sql, '0002_gone.down.sql'));
    await write({ '0003_new.up.sql': 'SELECT 1;\n', '0003_new.down.sql': 'SELECT 1;\n' });
    expect(await brief(['edited-migration'])).toEqual([
      '0003_new.down.sql:1:1 edited-migration error',
      '0003_new.up.sql:1:1 edited-migration error',
      'sqlmig.sum:4:1 edited-migration error',
      'sqlmig.sum:5:1 edited-migration error',
    ]);
    const result = await lint({ cwd: root, env: {} });
    expect(result.diagnostics.find((d) => d.line === 4)?.message).toBe('sqlmig.sum lists 0002_gone.up.sql, which is not in the folder');
  });

  it('git conflict markers: an error on the sum naming the line, and nothing else about the sum', async () => {
    await write(BASE);
    await hash();
    const recorded = await readFile(join(sql, 'sqlmig.sum'), 'utf8');
    await writeFile(join(sql, 'sqlmig.sum'), `${recorded}<<<<<<< HEAD\nabc  0002_a.up.sql\n=======\ndef  0002_b.up.sql\n>>>>>>> branch\n`);
    const result = await lint({ cwd: root, env: {} });
    expect(result.diagnostics.map((d) => `${d.file.slice(sql.length + 1)}:${d.line} ${d.rule} ${d.message}`)).toEqual([
      'sqlmig.sum:4 edited-migration sqlmig.sum: unresolved merge conflict (git conflict markers)',
    ]);
  });

  it('a hand-edited total line alone is reported on line 1', async () => {
    await write(BASE);
    await hash();
    const recorded = await readFile(join(sql, 'sqlmig.sum'), 'utf8');
    await writeFile(join(sql, 'sqlmig.sum'), recorded.replace(/^total [0-9a-f]{4}/, 'total 0000'));
    expect(await brief()).toEqual(['sqlmig.sum:1:1 edited-migration error']);
  });
});

describe('lint: file names (migration-filename)', () => {
  it('bad names, duplicate versions, orphan down files and broken links are errors on those files', async () => {
    await write({
      ...BASE,
      'create_orders.sql': 'SELECT 1;\n',
      '0002_add_a.up.sql': 'SELECT 1;\n',
      '0002_add_a.down.sql': 'SELECT 1;\n',
      '0002_add_b.up.sql': 'SELECT 1;\n',
      '0003_undo.down.sql': 'SELECT 1;\n',
    });
    await symlink(join(root, 'nowhere.sql'), join(sql, '0004_linked.up.sql'));
    await hash();
    expect(await brief(['migration-filename'])).toEqual([
      '0002_add_b.up.sql:1:1 migration-filename error',
      '0003_undo.down.sql:1:1 migration-filename error',
      '0004_linked.up.sql:1:1 migration-filename error',
      'create_orders.sql:1:1 migration-filename error',
    ]);
  });

  it('a misnamed file is reported when named, like any other, and not when other files are', async () => {
    await write({ ...BASE, '0002_Add_Orders.up.sql': 'SELECT 1;\n' });
    await hash();
    expect(await brief(undefined, { reportOn: ['0002_Add_Orders.up.sql'] })).toEqual(['0002_Add_Orders.up.sql:1:1 migration-filename error']);
    expect(await brief(undefined, { reportOn: [USERS_UP] })).toEqual([]);
  });

  it('a down file named unlike its version\'s up file is reported and still linted, with that up file', async () => {
    await write({
      ...BASE,
      '0002_add_nickname.up.sql': 'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;\n',
      '0002_nickname.down.sql': '-- undo\nALTER TABLE users DROP COLUMN nickname;\n',
    });
    await hash();
    expect(await brief()).toEqual([
      '0002_nickname.down.sql:1:1 migration-filename error',
      '0002_nickname.down.sql:2:19 require-if-exists error',
    ]);
    expect((await lint({ cwd: root, env: {} })).diagnostics[0]!.message).toBe(
      '"0002_nickname.down.sql" has version 2 like "0002_add_nickname.up.sql" but a different name',
    );
  });
});

describe('lint: directives (invalid-directive)', () => {
  it('an unknown directive is a warning; one after the first statement is an error, at its comment', async () => {
    await write({
      ...BASE,
      '0002_index.up.sql':
        '-- sqlmig:no-transacton\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx ON users (id);\n  -- sqlmig:no-transaction\n',
      '0002_index.down.sql': '-- sqlmig:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx;\n',
    });
    await hash();
    const result = await lint({ cwd: root, env: {} });
    const directives = result.diagnostics.filter((d) => d.rule === 'invalid-directive');
    expect(directives.map((d) => `${d.line}:${d.column}-${d.endColumn} ${d.severity} ${d.message}`)).toEqual([
      '1:1-24 warning unknown directive -- sqlmig:no-transacton: it has no effect',
      '3:3-27 error -- sqlmig:no-transaction after the first statement has no effect: this file runs in a transaction',
    ]);
  });

  it('config can turn it off', async () => {
    await write({ ...BASE, '0002_x.up.sql': 'SELECT 1;\n-- sqlmig:no-transaction\n', '0002_x.down.sql': 'SELECT 1;\n' });
    await hash();
    expect(await brief(['invalid-directive'])).toEqual(['0002_x.up.sql:2:1 invalid-directive error']);
    await writeFile(join(root, '.migraterc.json'), '{ "dir": "sql", "lint": { "rules": { "invalid-directive": "off" } } }\n');
    expect(await brief()).toEqual([]);
  });
});

/**
 * Draft migrations: in a git repository, a migration file that is not in HEAD
 * (untracked, or only staged) may be edited after `sqlmig new` recorded it in
 * sqlmig.sum; lint warns and asks for `sqlmig hash`. A committed migration's
 * edit stays an error. Each case in a git repository of its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lint } from '../../src/index.js';
import { discoverMigrations, migrationFiles, readMigrationSources, writeSumFile } from '../../src/migrations/index.js';

const USERS_UP = '0001_create_users.up.sql';
const USERS_DOWN = '0001_create_users.down.sql';
const ORDERS_UP = '0002_create_orders.up.sql';
const ORDERS_DOWN = '0002_create_orders.down.sql';

let root: string;
let sql: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sqlmig-drafts-'));
  sql = join(root, 'db', 'sql');
  await mkdir(sql, { recursive: true });
  await writeFile(join(root, '.migraterc.json'), '{ "dir": "db/sql" }\n');
  await write({
    [USERS_UP]: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n',
    [USERS_DOWN]: 'DROP TABLE IF EXISTS users;\n',
    [ORDERS_UP]: 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY);\n',
    [ORDERS_DOWN]: 'DROP TABLE IF EXISTS orders;\n',
  });
  writeSumFile(sql, readMigrationSources(migrationFiles(discoverMigrations(sql))));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(sql, name), text);
}

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, stdio: 'ignore' });
}

/** The users migration committed, the orders one not; then orders (a draft) and, if asked, users edited. */
async function editAfterCommittingUsers(options: { stageOrders: boolean; editUsers: boolean }) {
  git('init', '-q');
  git('add', '.migraterc.json', `db/sql/${USERS_UP}`, `db/sql/${USERS_DOWN}`, 'db/sql/sqlmig.sum');
  git('commit', '-q', '-m', 'users');
  if (options.stageOrders) git('add', `db/sql/${ORDERS_UP}`);
  await write({ [ORDERS_UP]: 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, total numeric);\n' });
  if (options.editUsers) await write({ [USERS_UP]: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);\n' });
  return lint({ cwd: root, env: {} });
}

describe('draft migrations (edited-migration)', () => {
  it.each([
    ['untracked', false],
    ['staged only', true],
  ])('an edited %s migration is a warning that asks for `sqlmig hash`', async (_, stageOrders) => {
    const result = await editAfterCommittingUsers({ stageOrders, editUsers: false });
    expect(result.errorCount).toBe(0);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file: join(sql, ORDERS_UP),
        line: 1,
        column: 1,
        rule: 'edited-migration',
        severity: 'warning',
        message: `${ORDERS_UP} is a draft (not committed in git) edited after sqlmig.sum recorded it`,
        hint: expect.stringContaining('run `sqlmig hash`'),
      }),
    ]);
  });

  it('an edited committed migration stays an error, and the hint says it is committed', async () => {
    const result = await editAfterCommittingUsers({ stageOrders: false, editUsers: true });
    expect(result.diagnostics.map((d) => [d.file.slice(sql.length + 1), d.line, d.column, d.rule, d.severity])).toEqual([
      [USERS_UP, 1, 1, 'edited-migration', 'error'],
      [ORDERS_UP, 1, 1, 'edited-migration', 'warning'],
    ]);
    expect(result.diagnostics[0]?.hint).toMatch(/^it is committed \(git's HEAD has it\)/);
  });

  it('in a repository without a commit, every migration is a draft; a file the sum lacks is a warning too', async () => {
    git('init', '-q');
    await write({ [USERS_UP]: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);\n', '0003_x.up.sql': 'SELECT 1;\n', '0003_x.down.sql': 'SELECT 1;\n' });
    const result = await lint({ cwd: root, env: {} });
    expect(result.diagnostics.map((d) => [d.file.slice(sql.length + 1), d.line, d.column, d.rule, d.severity])).toEqual([
      [USERS_UP, 1, 1, 'edited-migration', 'warning'],
      ['0003_x.down.sql', 1, 1, 'edited-migration', 'warning'],
      ['0003_x.up.sql', 1, 1, 'edited-migration', 'warning'],
    ]);
    expect(result.diagnostics[2]?.message).toBe('0003_x.up.sql is a draft (not committed in git) that sqlmig.sum does not list yet');
  });
});

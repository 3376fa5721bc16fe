/**
 * `sqlmig lint --staged` (built by `npm test`) reads git's index: a commit
 * whose staged sqlmig.sum does not match its staged migrations is refused,
 * whatever the working tree holds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../dist/cli/sqlmig.cjs', import.meta.url));
const UP = '0001_create_users.up.sql';

let root: string;

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, stdio: 'ignore' });
}

function sqlmig(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, text: string): void {
  writeFileSync(join(root, 'db', name), text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sqlmig-staged-'));
  mkdirSync(join(root, 'db'));
  writeFileSync(join(root, '.migraterc.json'), '{ "dir": "db" }\n');
  write(UP, 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n');
  write('0001_create_users.down.sql', 'DROP TABLE IF EXISTS users;\n');
  git('init', '-q');
  expect(sqlmig('hash').code).toBe(0);
  git('add', '.');
  git('commit', '-q', '-m', 'users');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('lint --staged', () => {
  it('refuses a staged migration whose staged sum is stale, though the working tree sum is current', () => {
    write('0002_orders.up.sql', 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY);\n');
    write('0002_orders.down.sql', 'DROP TABLE IF EXISTS orders;\n');
    git('add', 'db/0002_orders.up.sql', 'db/0002_orders.down.sql');
    expect(sqlmig('hash').code).toBe(0); // the working tree's sum is current, the staged one is not
    expect(sqlmig('lint').code).toBe(0);
    const staged = sqlmig('lint', '--staged', '--format', 'json', 'db/0002_orders.up.sql');
    expect(staged.code).toBe(1);
    expect(JSON.parse(staged.stdout).diagnostics).toEqual([
      expect.objectContaining({
        file: 'db/0002_orders.up.sql',
        line: 1,
        column: 1,
        rule: 'edited-migration',
        severity: 'error',
        message: '0002_orders.up.sql is not in sqlmig.sum (the sum is stale)',
        hint: 'run `sqlmig hash` and `git add` sqlmig.sum',
      }),
    ]);
    git('add', 'db/sqlmig.sum');
    expect(sqlmig('lint', '--staged', 'db/0002_orders.up.sql')).toMatchObject({ code: 0, stderr: '' });
  });

  it('lints the staged text: an unstaged fix does not count, and findings name the working-tree file', () => {
    write(UP, 'CREATE TABLE users (id bigint PRIMARY KEY);\n');
    git('add', `db/${UP}`);
    write(UP, 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n');
    const rules = (JSON.parse(sqlmig('lint', '--staged', '--format', 'json').stdout) as { diagnostics: { file: string; rule: string; line: number; column: number }[] }).diagnostics.map(
      (d) => `${d.file}:${d.line}:${d.column} ${d.rule}`,
    );
    expect(rules).toEqual([`db/${UP}:1:1 edited-migration`, `db/${UP}:1:14 require-if-not-exists`]);
  });

  it('outside git, --staged is a usage error (exit 2)', () => {
    rmSync(join(root, '.git'), { recursive: true, force: true });
    const result = sqlmig('lint', '--staged');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--staged reads git');
  });
});

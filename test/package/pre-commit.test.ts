/**
 * The `.pre-commit-hooks.yaml` hook, installed and run by the real pre-commit
 * tool (`.ci/run` installs it) from `repo:` + `rev:`: a git repository made
 * of this working tree. pre-commit builds the hook's environment itself
 * (npm install with devDependencies, npm pack, npm install -g), with the
 * machine's Node. A commit whose staged sqlmig.sum is stale is refused; once
 * the sum is staged, the commit goes through.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const sqlmigBin = join(repoRoot, 'dist', 'cli', 'sqlmig.cjs');
const TIMEOUT = 600_000;

let work: string;
let app: string;
let env: NodeJS.ProcessEnv;

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, env, stdio: 'ignore' });
}

function commit(message: string) {
  return run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-m', message], app);
}

beforeAll(() => {
  if (spawnSync('pre-commit', ['--version']).error) {
    throw new Error('the pre-commit tool is not installed: `apt-get install -y pre-commit` (.ci/run installs it)');
  }
  work = mkdtempSync(join(tmpdir(), 'sqlmig-pre-commit-'));
  // npm's variables of the `npm test` that runs this out; the npm cache first (the registry when it lacks something).
  env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
  Object.assign(env, { PRE_COMMIT_HOME: join(work, 'pre-commit-home'), npm_config_prefer_offline: 'true', SQLMIG_NO_COMPILE_CACHE: '1' });

  // The hook's repository: this working tree's files as git sees them (tracked and new, not ignored).
  const hook = join(work, 'hook');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '');
  for (const file of files) {
    mkdirSync(dirname(join(hook, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(hook, file), { dereference: true, errorOnExist: false });
  }
  git(hook, 'init', '-q');
  git(hook, 'add', '-A');
  git(hook, 'commit', '-q', '-m', 'hook');
  const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: hook, encoding: 'utf8' }).trim();

  app = join(work, 'app');
  mkdirSync(join(app, 'db'), { recursive: true });
  writeFileSync(join(app, '.migraterc.json'), '{ "dir": "db" }\n');
  writeFileSync(join(app, 'db', '0001_create_users.up.sql'), 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n');
  writeFileSync(join(app, 'db', '0001_create_users.down.sql'), 'DROP TABLE IF EXISTS users;\n');
  writeFileSync(join(app, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hook}\n    rev: ${rev}\n    hooks:\n      - id: sqlmig-lint\n`);
  git(app, 'init', '-q');
  expect(run(process.execPath, [sqlmigBin, 'hash'], app).code).toBe(0);
  git(app, 'add', '-A');
  git(app, 'commit', '-q', '-m', 'users');
  expect(run('pre-commit', ['install'], app).code).toBe(0);
}, TIMEOUT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the pre-commit hook (the real pre-commit tool)', () => {
  it('installs from repo + rev, refuses a commit whose staged sum is stale, and lets the fixed one through', { timeout: TIMEOUT }, () => {
    writeFileSync(join(app, 'db', '0002_create_orders.up.sql'), 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY);\n');
    writeFileSync(join(app, 'db', '0002_create_orders.down.sql'), 'DROP TABLE IF EXISTS orders;\n');
    expect(run(process.execPath, [sqlmigBin, 'hash'], app).code).toBe(0); // the working tree's sum is current: it is not staged
    git(app, 'add', 'db/0002_create_orders.up.sql', 'db/0002_create_orders.down.sql');
    const refused = commit('orders, without the sum');
    expect(refused.output).toContain('0002_create_orders.up.sql is not in sqlmig.sum (the sum is stale)');
    expect(refused.output).not.toContain('tsc: not found');
    expect(refused.code).toBe(1);

    git(app, 'add', 'db/sqlmig.sum');
    const passed = commit('orders');
    expect(passed.output).toMatch(/sqlmig lint\.+Passed/);
    expect(passed.code).toBe(0);
  });
});

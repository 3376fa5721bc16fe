/**
 * The executable's V8 code cache (src/cli/compile-cache.ts), on a copy of the
 * built executable (dist/cli/, built by `npm test`) with a cache folder
 * (XDG_CACHE_HOME) of its own. Whether V8 accepted a cache shows on disk: it
 * is written only when missing or rejected, so an accepted one keeps its inode.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';
import { createProject, spawnCli, type Project } from '../fixtures/runner/project.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const builtCli = join(repoRoot, 'dist', 'cli');

let copy: string;
let project: Project;
let db: FreshDatabase;
/** Each copy's XDG_CACHE_HOME. */
const cacheHomes = new Map<string, string>();

/** A copy of dist/cli/ inside dist/, so that it resolves node_modules and package.json as the original does. */
function copyOfCli(): string {
  const dir = mkdtempSync(join(repoRoot, 'dist', 'compile-cache-test-'));
  cpSync(join(builtCli, 'sqlmig.cjs'), join(dir, 'sqlmig.cjs'));
  cpSync(join(builtCli, 'main.cjs'), join(dir, 'main.cjs'));
  cpSync(join(builtCli, 'analysis.cjs'), join(dir, 'analysis.cjs'));
  cacheHomes.set(dir, mkdtempSync(join(tmpdir(), 'sqlmig-cache-home-')));
  return dir;
}

function removeCli(cli: string): void {
  rmSync(cli, { recursive: true, force: true });
  rmSync(cacheHomes.get(cli)!, { recursive: true, force: true });
}

/** The folder the copy `cli` keeps its cache in, below `cacheHome`: one per install. */
function cacheFolder(cli: string, cacheHome = cacheHomes.get(cli)!): string {
  const installs = join(cacheHome, 'sqlmig', 'compile-cache');
  const [install, ...others] = existsSync(installs) ? readdirSync(installs) : [];
  expect(others).toEqual([]);
  return join(installs, install ?? 'none-yet');
}

function cacheFiles(cli: string, cacheHome?: string): string[] {
  const folder = cacheFolder(cli, cacheHome);
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

/** The copy `cli` of the executable, run in the project. */
function sqlmig(cli: string, args: string[], env: Record<string, string> = {}) {
  return spawnCli(project, args, { XDG_CACHE_HOME: cacheHomes.get(cli)!, ...env }, join(cli, 'sqlmig.cjs'));
}

beforeAll(async () => {
  db = await freshDatabase();
  copy = copyOfCli();
  project = await createProject();
  await project.write('0001_create_users.up.sql', 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n');
  await project.write('0001_create_users.down.sql', 'DROP TABLE IF EXISTS users;\n');
  // A no-transaction file: running it loads the parser (to split it), which must leave V8's flags as they were.
  await project.write('0002_index_users.up.sql', '-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_id ON users (id);\n');
  await project.write('0002_index_users.down.sql', '-- sqlmig:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS users_id;\n');
});

afterAll(async () => {
  if (copy) removeCli(copy);
  await project?.cleanup();
  await db?.drop();
});

describe('compile cache', () => {
  // Both run with V8 flags of their own; lint parses every file, up splits its no-transaction file.
  it.each([
    ['lint', ['lint', '--no-cache']],
    ['up', ['up']],
  ])('%s: the first run leaves a cache that the next run uses', async (command, args) => {
    const runArgs = command === 'up' ? [...args, '--url', db.url] : args;
    const first = await sqlmig(copy, runArgs);
    // up names its configuration and database on stderr; nothing else may appear there.
    expect(first.stderr.replace(/^config: [^\n]*\n/, '')).toBe('');
    expect(first.code).toBe(0);
    // One cache per bundle the run loaded: both, as each of these parses SQL.
    const files = cacheFiles(copy).filter((name) => name.startsWith(`${command}-`));
    expect(files).toEqual([expect.stringMatching(new RegExp(`^${command}-analysis-v\\d+\\.\\d+\\.\\d+-\\w+-\\d+-\\d+\\.v8$`)), expect.stringMatching(new RegExp(`^${command}-main-v\\d+\\.\\d+\\.\\d+-\\w+-\\d+-\\d+\\.v8$`))]);
    const before = files.map((file) => statSync(join(cacheFolder(copy), file)));

    const second = await sqlmig(copy, runArgs);
    expect(second.code).toBe(0);
    const after = files.map((file) => statSync(join(cacheFolder(copy), file)));
    expect(after.map((stats) => [stats.ino, stats.mtimeMs])).toEqual(before.map((stats) => [stats.ino, stats.mtimeMs]));
  });

  it('a run that parses no SQL loads only main.cjs: status neither compiles nor caches analysis.cjs', async () => {
    const cli = copyOfCli();
    try {
      const result = await sqlmig(cli, ['status', '--url', db.url]);
      expect(result.code).toBe(0);
      expect(cacheFiles(cli)).toEqual([expect.stringMatching(/^status-main-/)]);
      // It does not even need the file.
      rmSync(join(cli, 'analysis.cjs'));
      expect((await sqlmig(cli, ['status', '--url', db.url])).code).toBe(0);
    } finally {
      removeCli(cli);
    }
  });

  it('a help run writes no cache: the next lint writes one with what a lint compiles, and keeps it', async () => {
    const cli = copyOfCli();
    try {
      expect((await sqlmig(cli, ['lint', '--help'])).code).toBe(0);
      expect((await sqlmig(cli, ['help', 'lint'])).code).toBe(0);
      expect(cacheFiles(cli)).toEqual([]);
      expect((await sqlmig(cli, ['lint', '--no-cache'])).code).toBe(0);
      const [file] = cacheFiles(cli);
      expect(file).toMatch(/^lint-/);
      const written = statSync(join(cacheFolder(cli), file!));
      // A help run uses the cache, and leaves it as it is.
      expect((await sqlmig(cli, ['lint', '-h'])).stdout).toContain('--no-cache');
      expect((await sqlmig(cli, ['lint', '--no-cache'])).code).toBe(0);
      const kept = statSync(join(cacheFolder(cli), file!));
      expect([kept.ino, kept.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
    } finally {
      removeCli(cli);
    }
  });

  it('a cache V8 rejects is replaced, and the run is unaffected', async () => {
    await sqlmig(copy, ['rules']);
    const [file] = cacheFiles(copy).filter((name) => name.startsWith('rules-'));
    const path = join(cacheFolder(copy), file!);
    writeFileSync(path, 'not a code cache');
    const result = await sqlmig(copy, ['rules']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('require-if-not-exists');
    expect(readFileSync(path).toString('latin1')).not.toBe('not a code cache');
  });

  it('SQLMIG_NO_COMPILE_CACHE: nothing is read or written; a usage error writes nothing either', async () => {
    const cli = copyOfCli();
    try {
      expect((await sqlmig(cli, ['rules'], { SQLMIG_NO_COMPILE_CACHE: '1' })).code).toBe(0);
      expect((await sqlmig(cli, ['no-such-command'])).code).toBe(2);
      expect(cacheFiles(cli)).toEqual([]);
    } finally {
      removeCli(cli);
    }
  });

  it('nothing is written into the install: the cache is in $XDG_CACHE_HOME/sqlmig, else ~/.cache/sqlmig', async () => {
    const cli = copyOfCli();
    const home = mkdtempSync(join(tmpdir(), 'sqlmig-home-'));
    try {
      expect((await sqlmig(cli, ['rules'])).code).toBe(0);
      const rulesCaches = [expect.stringMatching(/^rules-analysis-/), expect.stringMatching(/^rules-main-/)];
      expect(cacheFiles(cli)).toEqual(rulesCaches);
      expect((await sqlmig(cli, ['rules'], { XDG_CACHE_HOME: '', HOME: home })).code).toBe(0);
      expect(cacheFiles(cli, join(home, '.cache'))).toEqual(rulesCaches);
      expect(readdirSync(cli).sort()).toEqual(['analysis.cjs', 'main.cjs', 'sqlmig.cjs']);
    } finally {
      removeCli(cli);
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('a folder that cannot be written only means compiling every time', async () => {
    const cli = copyOfCli();
    try {
      writeFileSync(join(cacheHomes.get(cli)!, 'sqlmig'), 'a file where the folder would be');
      const result = await sqlmig(cli, ['rules']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('require-if-not-exists');
    } finally {
      removeCli(cli);
    }
  });

  it('--version is answered without the bundle', async () => {
    const cli = copyOfCli();
    try {
      rmSync(join(cli, 'main.cjs'));
      const result = await sqlmig(cli, ['--version']);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
    } finally {
      removeCli(cli);
    }
  });
});

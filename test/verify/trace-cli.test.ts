/**
 * `sqlmig verify --trace` and `--fail-on-lock` through the CLI (in-process, PGlite): the four formats, the
 * JSON shape issue 16 fixed, and the gate's exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';

let project: Project;

beforeAll(async () => {
  project = await createProject();
  await project.write('0001_create_users.up.sql', 'CREATE TABLE IF NOT EXISTS users (id integer PRIMARY KEY, email text);\n');
  await project.write('0001_create_users.down.sql', 'DROP TABLE IF EXISTS users;\n');
  await project.write('0002_index_users_email.up.sql', 'SELECT 1;\nCREATE INDEX IF NOT EXISTS idx_users_email ON users (email);\nSELECT 2;\n');
  await project.write('0002_index_users_email.down.sql', 'DROP INDEX IF EXISTS idx_users_email;\n');
  await project.write('0003_compact_users.up.sql', '-- sqlmig:no-transaction\nVACUUM FULL users;\n');
  await project.write('0003_compact_users.down.sql', 'SELECT 1;\n');
});
afterAll(async () => {
  await project?.cleanup();
});

describe('sqlmig verify --trace', () => {
  it('pretty: a small table per migration, how long the lock is held, and that the tables were empty', async () => {
    const { code, stdout } = await cli(project, ['verify', '--trace', '--no-color']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const at = lines.findIndex((line) => line.startsWith('✔ 0002_index_users_email'));
    expect(lines[at + 1]).toBe('    up, traced statement by statement in its one transaction (every lock is held until COMMIT):');
    expect(lines[at + 2]).toMatch(/^ {6}line +relation +lock +blocks +rewritten +lint +statement$/);
    expect(lines[at + 3]).toMatch(
      /^ {6}2 +public\.users +ShareLock +writes +no \(scanned\) +agree \(require-concurrent-index\) +CREATE INDEX IF NOT EXISTS idx_users_email ON users \(email\)$/,
    );
    expect(lines[at + 4]).toBe('      ShareLock on public.users from line 2 until COMMIT; the statement on line 3 runs while it is held');
    expect(stdout).toMatch(/ {6}2 +public\.users +- +not observable +yes +agree \(table-rewrite\) +VACUUM FULL users\n/);
    expect(stdout).toContain('Trace: 1 lock that blocks writes on tables that existed before their migration; lint disagreed on 0 statements (missed) and 0 (over-warned).');
    expect(stdout).toContain('Note: traced on empty tables: the lock modes and rewrites are what production gets, their durations are not');
  });

  it('json: "locks" with file (relative), line, relation, mode, rewritten and lint', async () => {
    const { code, stdout } = await cli(project, ['verify', '--trace', '--format', 'json']);
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as { locks: Record<string, unknown>[] };
    expect(output.locks).toEqual([
      { file: 'sql/0002_index_users_email.up.sql', line: 2, relation: 'public.users', mode: 'ShareLock', rewritten: false, lint: 'agree' },
      { file: 'sql/0003_compact_users.up.sql', line: 2, relation: 'public.users', mode: null, rewritten: true, lint: 'agree' },
    ]);
  });

  it('json without --trace has no "locks"', async () => {
    const { stdout } = await cli(project, ['verify', '--format', 'json']);
    expect(JSON.parse(stdout)).not.toHaveProperty('locks');
  });

  it("github: a warning annotation at the statement's line", async () => {
    const { stdout } = await cli(project, ['verify', '--trace', '--format', 'github', '--no-color']);
    expect(stdout).toContain(
      '::warning file=sql/0002_index_users_email.up.sql,line=2,title=sqlmig verify --trace::public.users: ShareLock (blocks writes; held until COMMIT); lint: agree (require-concurrent-index)%0ACREATE INDEX',
    );
    expect(stdout).toContain('::warning file=sql/0003_compact_users.up.sql,line=2,');
  });

  it('sarif: one result per notable lock, located at the statement', async () => {
    const { code, stdout } = await cli(project, ['verify', '--trace', '--format', 'sarif']);
    expect(code).toBe(0);
    const log = JSON.parse(stdout) as { runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const results = log.runs[0]!.results;
    expect(results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ['lock-trace', 'note', 'sql/0002_index_users_email.up.sql', 2],
      ['lock-trace', 'note', 'sql/0003_compact_users.up.sql', 2],
    ]);
  });
});

describe('a statement that fails while traced', () => {
  it('is rolled back, and the file fails where `up` says it does', async () => {
    const failing = await createProject();
    try {
      await failing.write('0001_create_users.up.sql', 'CREATE TABLE IF NOT EXISTS users (id integer PRIMARY KEY);\n');
      await failing.write('0001_create_users.down.sql', 'DROP TABLE IF EXISTS users;\n');
      await failing.write('0002_broken.up.sql', 'ALTER TABLE users ADD COLUMN IF NOT EXISTS name text;\nALTER TABLE users ADD COLUMN missing_type nosuchtype;\n');
      await failing.write('0002_broken.down.sql', 'ALTER TABLE users DROP COLUMN IF EXISTS name;\n');
      const { code, stdout } = await cli(failing, ['verify', '--trace', '--no-color']);
      expect(code).toBe(1);
      expect(stdout).toMatch(/✘ 0002_broken {2}up failed/);
      expect(stdout).toContain('up failed: sql/0002_broken.up.sql:2:');
      expect(stdout).toContain('type "nosuchtype" does not exist');
    } finally {
      await failing.cleanup();
    }
  });
});

describe('sqlmig verify --fail-on-lock', () => {
  it('exits 1 when a migration takes that mode or a stronger one on an existing table (and implies --trace)', async () => {
    const { code, stdout } = await cli(project, ['verify', '--fail-on-lock', 'ShareLock', '--no-color']);
    expect(code).toBe(1);
    expect(stdout).toContain('--fail-on-lock ShareLock: 1 lock of ShareLock or stronger on tables that existed before their migration.');
  });

  it('exits 0 when every lock is weaker (a rewrite outside a transaction has no observable mode)', async () => {
    const { code, stdout } = await cli(project, ['verify', '--fail-on-lock', 'ShareRowExclusiveLock', '--no-color']);
    expect(code).toBe(0);
    expect(stdout).toContain('--fail-on-lock ShareRowExclusiveLock: no migration takes ShareRowExclusiveLock or stronger on a table that existed before it.');
  });

  it('refuses a mode PostgreSQL does not have with exit 2, listing the modes', async () => {
    const { code, stderr } = await cli(project, ['verify', '--fail-on-lock', 'share']);
    expect(code).toBe(2);
    expect(stderr).toContain('--fail-on-lock "share" is not a lock mode');
    expect(stderr).toContain('did you mean ShareLock?');
    expect(stderr).toContain('AccessShareLock, RowShareLock, RowExclusiveLock, ShareUpdateExclusiveLock, ShareLock, ShareRowExclusiveLock, ExclusiveLock, AccessExclusiveLock');
  });
});

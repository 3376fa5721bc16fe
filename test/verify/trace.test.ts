/**
 * Issue 16, "Must show": `verify --trace` on PGlite and on the real server
 * (test/helpers/database.ts) records, for each case, the lock mode and the
 * rewrite PostgreSQL really took on the tables that existed before the
 * migration, and that each agrees with the lock rules' findings for the same
 * SQL. One migration per case (test/fixtures/verify/lock-trace), so that no
 * lock of an earlier statement is still held.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintProject } from '../../src/lint/project.js';
import { LOCK_RULE_IDS } from '../../src/verify/lint-predictions.js';
import { verify, type MigrationVerification, type VerifyResult } from '../../src/verify/verify.js';
import { createProject, type Project } from '../fixtures/runner/project.js';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';

function locksOf(result: VerifyResult, version: number) {
  const migration = result.migrations.find((m) => m.version === version)!;
  return migration.trace!.locks.map((lock) => ({
    line: lock.line,
    relation: lock.relation,
    mode: lock.mode,
    rewritten: lock.rewritten,
    lint: lock.lint,
    rules: lock.rules,
  }));
}

/** The lock rules lint reports on a migration's up file, as `sqlmig lint` would. */
async function lockFindings(project: Project, migration: MigrationVerification): Promise<string[]> {
  const result = await lintProject({ cwd: project.dir, env: {} });
  return result.diagnostics.filter((d) => d.file === migration.upFile && LOCK_RULE_IDS.includes(d.rule)).map((d) => `${d.rule}:${d.line}`);
}

const backends: { name: string; url: () => string | undefined }[] = [];
let database: FreshDatabase | undefined;
backends.push({ name: 'PGlite', url: () => undefined });
backends.push({ name: 'PostgreSQL server', url: () => database!.url });

beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe.each(backends)('verify --trace on $name', ({ url }) => {
  let project: Project;
  let result: VerifyResult;

  beforeAll(async () => {
    project = await createProject({ fixture: '../verify/lock-trace' });
    result = await verify({ cwd: project.dir, env: {}, url: url(), trace: true });
  }, 120_000);
  afterAll(async () => {
    await project?.cleanup();
  });

  it('verifies every migration and traces each up', () => {
    expect(result.migrations.map((m) => [m.version, m.status])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => [v, 'verified']));
    expect(result.traced).toBe(true);
    expect(result.migrations.every((m) => m.trace !== null)).toBe(true);
  });

  it('CREATE TABLE of the first migration: nothing existed before it', () => {
    expect(locksOf(result, 1)).toEqual([]);
  });

  it('ADD COLUMN with a volatile default: ACCESS EXCLUSIVE and a rewrite, as table-rewrite says', async () => {
    expect(locksOf(result, 2)).toEqual([{ line: 2, relation: 'public.users', mode: 'AccessExclusiveLock', rewritten: true, lint: 'agree', rules: ['table-rewrite'] }]);
    expect(await lockFindings(project, result.migrations[1]!)).toEqual(['table-rewrite:2']);
    expect(result.migrations[1]!.trace!.notes).toEqual([
      'AccessExclusiveLock on public.users from line 2 until COMMIT; it is the last statement, and the tracking row and COMMIT follow at once',
    ]);
  });

  it('nullable ADD COLUMN: ACCESS EXCLUSIVE, no rewrite, and no lock rule reports it', async () => {
    expect(locksOf(result, 3)).toEqual([{ line: 1, relation: 'public.users', mode: 'AccessExclusiveLock', rewritten: false, lint: 'agree', rules: [] }]);
    expect(await lockFindings(project, result.migrations[2]!)).toEqual([]);
  });

  it('CREATE INDEX: SHARE on the table, as require-concurrent-index says', async () => {
    expect(locksOf(result, 4)).toEqual([
      { line: 1, relation: 'public.users', mode: 'ShareLock', rewritten: false, lint: 'agree', rules: ['require-concurrent-index'] },
    ]);
    expect(await lockFindings(project, result.migrations[3]!)).toEqual(['require-concurrent-index:1']);
  });

  it('ADD FOREIGN KEY: SHARE ROW EXCLUSIVE on both tables, as constraint-not-valid says', async () => {
    const locks = locksOf(result, 5);
    expect(locks).toHaveLength(2);
    expect(locks).toEqual(
      expect.arrayContaining([
        { line: 1, relation: 'public.orders', mode: 'ShareRowExclusiveLock', rewritten: false, lint: 'agree', rules: ['constraint-not-valid'] },
        { line: 1, relation: 'public.users', mode: 'ShareRowExclusiveLock', rewritten: false, lint: 'agree', rules: ['constraint-not-valid'] },
      ]),
    );
    expect(await lockFindings(project, result.migrations[4]!)).toEqual(['constraint-not-valid:2']);
  });

  it('ALTER COLUMN TYPE integer → bigint: a rewrite under ACCESS EXCLUSIVE, as table-rewrite says', async () => {
    expect(locksOf(result, 6)).toEqual([{ line: 1, relation: 'public.users', mode: 'AccessExclusiveLock', rewritten: true, lint: 'agree', rules: ['table-rewrite'] }]);
    expect(await lockFindings(project, result.migrations[5]!)).toEqual(['table-rewrite:1']);
  });

  it('widening a varchar: ACCESS EXCLUSIVE without a rewrite, and no lock rule reports it', async () => {
    expect(locksOf(result, 7)).toEqual([{ line: 1, relation: 'public.users', mode: 'AccessExclusiveLock', rewritten: false, lint: 'agree', rules: [] }]);
    expect(await lockFindings(project, result.migrations[6]!)).toEqual([]);
  });

  it('CREATE TABLE (and an index on it): nothing on the tables that existed before', async () => {
    expect(locksOf(result, 8)).toEqual([]);
    expect(await lockFindings(project, result.migrations[7]!)).toEqual([]);
  });

  it('a no-transaction CREATE INDEX CONCURRENTLY: reported as running without blocking writes, not inspected', () => {
    const trace = result.migrations[8]!.trace!;
    expect(trace.transactional).toBe(false);
    expect(trace.locks).toEqual([]);
    expect(trace.notes).toContain(
      'line 2: CREATE INDEX CONCURRENTLY runs without blocking reads or writes (SHARE UPDATE EXCLUSIVE); it cannot be inspected mid-way',
    );
  });
});

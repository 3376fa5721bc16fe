/**
 * Run-time errors carry no position, and a transactional file runs as one
 * message: the runner finds the failing statement by replaying the file in
 * a transaction it always rolls back.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { expectCleanOutput, freshDatabaseWithPassword } from './helpers.js';

const server = freshDatabaseWithPassword();

async function setup(): Promise<{ project: Project; schema: string }> {
  const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
  await withConnection(server.db.url, (sql) => sql.unsafe(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.counter (n int)`));
  const project = await createProject({ config: { schema } });
  onTestFinished(() => project.cleanup());
  return { project, schema };
}

async function count(schema: string): Promise<number> {
  const [row] = await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT count(*)::int AS n FROM ${schema}.counter`));
  return row!.n as number;
}

describe('a run-time error in a multi-statement transactional file', () => {
  it('division by zero on line 4: file:4:1 with a code frame; neither the run nor the replay leaves anything', async () => {
    const { project, schema } = await setup();
    await project.write(
      '0001_backfill.up.sql',
      `CREATE TABLE ${schema}.items (id int, price int);\nINSERT INTO ${schema}.counter VALUES (1);\n-- the price per unit\nUPDATE ${schema}.counter SET n = n / 0;\nINSERT INTO ${schema}.counter VALUES (2);\n`,
    );
    const result = await cli(project, ['--url', server.url, 'up', '--no-lint']);
    expectCleanOutput(result, { codes: [1] });
    expect(result.stderr).toContain('error: sql/0001_backfill.up.sql:4:1: division by zero (SQLSTATE 22012)');
    expect(result.stderr).toMatch(/> 4 \| UPDATE \S+ SET n = n \/ 0;\n\s+\| \^/);
    expect(result.stderr).toContain('0001_backfill.up.sql was rolled back');

    expect(await count(schema)).toBe(0);
    expect(await withConnection(server.db.url, (sql) => sql`SELECT to_regclass(${`${schema}.items`}) AS t`)).toEqual([{ t: null }]);
    expect(await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT count(*)::int AS n FROM ${schema}.sqlmig_migrations`))).toEqual([{ n: 0 }]);
  });

  it('a file with its own COMMIT is refused before it runs (nothing to replay, no rollback claimed), even with --no-lint', async () => {
    const { project, schema } = await setup();
    await project.write('0001_commits.up.sql', `INSERT INTO ${schema}.counter VALUES (1);\nCOMMIT;\nSELECT 1 / 0;\n`);
    const result = await cli(project, ['--url', server.url, 'up', '--no-lint']);
    expectCleanOutput(result, { codes: [1] });
    expect(result.stderr).toContain('error: sql/0001_commits.up.sql:2:1: COMMIT at the top level of a file that sqlmig runs in its own transaction');
    expect(result.stderr).not.toContain('rolled back');
    // Running it would have committed the row before the COMMIT, beyond any rollback.
    expect(await count(schema)).toBe(0);
  });
});

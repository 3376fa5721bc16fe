/**
 * A migration's session-level SET (timezone, search_path, role) must not reach the migrations after it in the
 * same run: one `up` must leave what several `up --to` leave (real: Lemmy 0174 and crates.io 0247 `SET timezone`).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';

const FILES: Record<string, string> = {
  '0001_other.up.sql': 'CREATE SCHEMA IF NOT EXISTS other;\n',
  '0002_session.up.sql': "SET timezone = 'America/New_York';\nSET search_path TO other;\nSET work_mem = '7MB';\n",
  '0003_no_tx.up.sql': "-- sqlmig:no-transaction\nSET statement_timeout = '123s';\n",
  '0004_later.up.sql':
    "CREATE TABLE later AS SELECT current_setting('TimeZone') AS tz, current_setting('work_mem') AS work_mem,\n" +
    "  current_setting('statement_timeout') AS statement_timeout, current_user::text AS who;\n",
};

/** Where `later` landed and the settings it saw. */
const SEEN = `SELECT n.nspname AS schema, l.* FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
  LATERAL (SELECT * FROM public.later) l WHERE c.relname = 'later'`;

describe('session state between migrations', () => {
  let project: Project;
  const databases: FreshDatabase[] = [];

  beforeAll(async () => {
    project = await createProject();
    for (const [name, text] of Object.entries(FILES)) await project.write(name, text);
  });
  afterAll(async () => {
    await project?.cleanup();
    for (const db of databases) await db.drop();
  });

  async function database(): Promise<string> {
    const db = await freshDatabase();
    databases.push(db);
    return db.url;
  }

  it('PostgreSQL: the later table lands in public with the server defaults, and one `up` equals several `up --to`', async () => {
    const [once, stepwise] = [await database(), await database()];
    expect((await cli(project, ['--url', once, 'up', '--no-lint'])).code).toBe(0);
    for (const to of ['2', '3', '4']) expect((await cli(project, ['--url', stepwise, 'up', '--no-lint', '--to', to])).code).toBe(0);

    const [defaults] = await withConnection(once, (sql) => sql`SELECT current_setting('TimeZone') AS tz, current_setting('work_mem') AS work_mem`);
    const seen = await withConnection(once, (sql) => sql.unsafe(SEEN));
    expect(seen).toEqual([{ schema: 'public', tz: defaults!.tz, work_mem: defaults!.work_mem, statement_timeout: '0', who: 'postgres' }]);
    expect(await withConnection(stepwise, (sql) => sql.unsafe(SEEN))).toEqual(seen);
    const versions = await withConnection(once, (sql) => sql`SELECT version::int AS v FROM public.sqlmig_migrations ORDER BY 1`);
    expect(versions.map((row) => row.v)).toEqual([1, 2, 3, 4]);
  });

  it('PGlite: the same', async () => {
    const url = `pglite://${join(project.dir, 'pglite')}`;
    expect((await cli(project, ['--url', url, 'up', '--no-lint'])).code).toBe(0);
    const { PGlite } = await import('@electric-sql/pglite');
    const pg = new PGlite(join(project.dir, 'pglite'));
    try {
      const { rows } = await pg.query<Record<string, string>>(SEEN);
      const defaults = (await pg.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")).rows[0]!;
      expect(rows.map((row) => [row.schema, row.tz])).toEqual([['public', defaults.tz]]);
    } finally {
      await pg.close();
    }
  }, 60_000);
});

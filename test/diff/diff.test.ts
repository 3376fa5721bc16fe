/**
 * `sqlmig diff` end to end: the CLI drafts migrations from schema.sql (or a
 * live database), and the draft passes lint and verify and builds the desired
 * schema: a second diff finds nothing left to do.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';

const USERS_UP =
  'CREATE TABLE IF NOT EXISTS teams (id bigint PRIMARY KEY, title varchar(255));\n' +
  'CREATE TABLE IF NOT EXISTS users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email varchar(255), name text);\n';
const USERS_DOWN = 'DROP TABLE IF EXISTS users;\nDROP TABLE IF EXISTS teams;\n';

const DESIRED = `
CREATE TYPE status AS ENUM ('active', 'gone');
CREATE TABLE teams (id bigint PRIMARY KEY, title varchar(255) NOT NULL);
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email varchar(255) NOT NULL,
  status status DEFAULT 'active',
  team_id bigint REFERENCES teams (id),
  CONSTRAINT email_has_at CHECK (email LIKE '%@%')
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), body text);
CREATE INDEX posts_user_id_idx ON posts (user_id);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE status = 'active';
COMMENT ON TABLE posts IS 'what users write';
`;

async function usersProject(): Promise<Project> {
  const project = await createProject();
  await project.write('0001_create_users.up.sql', USERS_UP);
  await project.write('0001_create_users.down.sql', USERS_DOWN);
  expect((await cli(project, ['hash'])).code).toBe(0);
  return project;
}

describe('sqlmig diff', () => {
  let database: FreshDatabase;
  const projects: Project[] = [];
  const open = async () => {
    const project = await usersProject();
    projects.push(project);
    return project;
  };
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await Promise.all(projects.map((project) => project.cleanup()));
    await database?.drop();
  });

  it('drafts up and down files from schema.sql (PGlite), which pass lint and verify and build the schema', async () => {
    const project = await open();
    await writeFile(join(project.dir, 'schema.sql'), DESIRED);
    const drafted = await cli(project, ['diff', '--name', 'users and posts']);
    expect(drafted.stderr).toContain('the draft passes lint and verify');
    expect(drafted.code).toBe(0);
    expect(drafted.stdout.trim().split('\n')).toEqual([
      'sql/0002_users_and_posts.up.sql',
      'sql/0002_users_and_posts.down.sql',
      'sql/0003_users_and_posts_validate.up.sql',
      'sql/0003_users_and_posts_validate.down.sql',
      'sql/0004_users_and_posts_concurrent_indexes.up.sql',
      'sql/0004_users_and_posts_concurrent_indexes.down.sql',
    ]);
    const main = await readFile(join(project.sqlDir, '0002_users_and_posts.up.sql'), 'utf8');
    expect(main).toContain('ALTER TABLE public.users ADD CONSTRAINT users_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams(id) NOT VALID;');
    expect(main).toContain('-- UPDATE public.teams SET title = … WHERE title IS NULL;');
    const concurrent = await readFile(join(project.sqlDir, '0004_users_and_posts_concurrent_indexes.up.sql'), 'utf8');
    expect(concurrent.split('\n')[0]).toBe('-- sqlmig:no-transaction');
    expect(concurrent).toContain('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON public.users USING btree (email);');
    const sum = await readFile(join(project.sqlDir, 'sqlmig.sum'), 'utf8');
    expect(sum).toContain('0004_users_and_posts_concurrent_indexes.down.sql');

    expect((await cli(project, ['lint'])).code).toBe(0);
    expect((await cli(project, ['verify', '--url', database.url])).code).toBe(0);
    const again = await cli(project, ['diff', '--url', database.url]);
    expect(again.stderr).toContain('no differences: the migrations already build schema.sql');
    expect(again.code).toBe(0);
    expect((await project.files()).filter((file) => file.startsWith('0005'))).toEqual([]);
  }, 120_000);

  it('reads the desired schema from a live database without changing it (--to-url)', async () => {
    const project = await open();
    await withConnection(database.url, (sql) => sql.unsafe(DESIRED));
    const tables = () => withConnection(database.url, (sql) => sql`SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1`);
    const before = await tables();
    const drafted = await cli(project, ['diff', '--to-url', database.url, '--url', database.url, '--name', 'from prod']);
    expect(drafted.stderr).toContain('the draft passes lint and verify');
    expect(drafted.code).toBe(0);
    expect(drafted.stdout).toContain('sql/0002_from_prod.up.sql');
    expect(await tables()).toEqual(before);
    await withConnection(database.url, (sql) => sql.unsafe('DROP VIEW active_users; DROP TABLE posts, users, teams; DROP TYPE status;'));
  }, 120_000);

  it('exits 1 with the reasons when the draft cannot reach the desired schema (a generation expression cannot be altered)', async () => {
    const project = await open();
    await project.write('0002_totals.up.sql', 'CREATE TABLE IF NOT EXISTS totals (a bigint, b bigint GENERATED ALWAYS AS (a * 2) STORED);\n');
    await project.write('0002_totals.down.sql', 'DROP TABLE IF EXISTS totals;\n');
    expect((await cli(project, ['hash'])).code).toBe(0);
    await writeFile(join(project.dir, 'schema.sql'), `${USERS_UP}CREATE TABLE totals (a bigint, b bigint GENERATED ALWAYS AS (a * 3) STORED);\n`);
    const drafted = await cli(project, ['diff', '--url', database.url, '--name', 'triple']);
    expect(drafted.code).toBe(1);
    expect(drafted.stderr).toContain('by hand: column public.totals.b: its generation expression changes ((a * 2) → (a * 3))');
    expect(drafted.stderr).toContain('schema after the draft: differs from the desired schema: column public.totals.b generated (a * 3) → (a * 2)');
    expect(await project.files()).toContain('0003_triple.up.sql');
  }, 120_000);

  it('adds an enum value, and its down file removes it again', async () => {
    const project = await open();
    await project.write('0002_status.up.sql', "CREATE TYPE status AS ENUM ('active');\nALTER TABLE users ADD COLUMN IF NOT EXISTS state status DEFAULT 'active';\n");
    await project.write('0002_status.down.sql', 'ALTER TABLE users DROP COLUMN IF EXISTS state;\nDROP TYPE IF EXISTS status;\n');
    expect((await cli(project, ['hash'])).code).toBe(0);
    await writeFile(
      join(project.dir, 'schema.sql'),
      `${USERS_UP}CREATE TYPE status AS ENUM ('active', 'gone');\nALTER TABLE users ADD COLUMN state status DEFAULT 'active';\n`,
    );
    const drafted = await cli(project, ['diff', '--url', database.url, '--name', 'gone status']);
    expect(drafted.stderr).toContain('the draft passes lint and verify');
    expect(drafted.code).toBe(0);
    expect(await readFile(join(project.sqlDir, '0003_gone_status_enum_values.up.sql'), 'utf8')).toContain("ALTER TYPE public.status ADD VALUE IF NOT EXISTS 'gone' AFTER 'active';");
  }, 120_000);

  it('says where the desired schema fails to build (exit 1), and refuses --to with --to-url (exit 2)', async () => {
    const project = await open();
    await writeFile(join(project.dir, 'broken.sql'), 'CREATE TABLE a (id bigint);\nCREATE TABLE b (a_id bigint REFERENCES nowhere (id));\n');
    const broken = await cli(project, ['diff', '--to', 'broken.sql', '--url', database.url]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.sql(:\d+:\d+)?: the desired schema does not build: relation "nowhere" does not exist/);
    // The server counts the position in code points: the emoji before it is one character, not two UTF-16 units.
    await writeFile(join(project.dir, 'typo.sql'), "CREATE TABLE a (id bigint);\nCOMMENT ON TABLE a IS 'café 🎉';\nCREATE TABLE b (x nosuchtype);\n");
    const typo = await cli(project, ['diff', '--to', 'typo.sql', '--url', database.url]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/typo\.sql:3:19: the desired schema does not build: type "nosuchtype" does not exist/);
    const both = await cli(project, ['diff', '--to', 'broken.sql', '--to-url', database.url]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--to and --to-url both name the desired schema');
  }, 60_000);
});

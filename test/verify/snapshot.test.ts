import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../src/config/types.js';
import { openDatabase, type DatabaseSession } from '../../src/db/index.js';
import { createTableSql, trackingTable } from '../../src/runner/tracking.js';
import { describeChange, diffSnapshots, takeSnapshot, type CatalogSnapshot } from '../../src/verify/snapshot.js';
import { freshDatabase } from '../helpers/database.js';

/** One of every kind of object the snapshot covers. */
const CREATE_ALL = `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'the application';
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN app.email AS text NOT NULL CHECK (VALUE LIKE '%@%');
CREATE TYPE app.pair AS (a int, b text);
CREATE TYPE app.span AS RANGE (subtype = int4);
CREATE SEQUENCE app.ticket_numbers START 100 INCREMENT 5;
CREATE TABLE app.users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email app.email UNIQUE,
  name varchar(255) NOT NULL DEFAULT 'anonymous' COLLATE "C",
  mood app.mood,
  name_length int GENERATED ALWAYS AS (length(name)) STORED,
  CONSTRAINT users_name_check CHECK (name <> '')
);
COMMENT ON COLUMN app.users.name IS 'shown to others';
CREATE TABLE app.posts (
  id serial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  title text NOT NULL
);
CREATE INDEX posts_title_trgm ON app.posts USING gin (title gin_trgm_ops);
CREATE INDEX posts_user_recent ON app.posts (user_id) WHERE id > 10;
CREATE TABLE app.events (at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE VIEW app.user_names AS SELECT id, name FROM app.users;
CREATE MATERIALIZED VIEW app.post_counts AS SELECT user_id, count(*) AS n FROM app.posts GROUP BY user_id;
CREATE INDEX post_counts_user ON app.post_counts (user_id);
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION app.add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE PROCEDURE app.noop() LANGUAGE sql AS 'SELECT 1';
CREATE AGGREGATE app.total(int) (SFUNC = app.add, STYPE = int, INITCOND = '0');
CREATE TRIGGER posts_touch BEFORE UPDATE ON app.posts FOR EACH ROW EXECUTE FUNCTION app.touch();
ALTER TABLE app.posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY posts_own ON app.posts FOR SELECT TO PUBLIC USING (user_id = 1);
GRANT SELECT ON app.users TO PUBLIC;
`;

const DROP_ALL = `
REVOKE SELECT ON app.users FROM PUBLIC;
DROP SCHEMA app CASCADE;
DROP EXTENSION pg_trgm;
`;

interface Target {
  name: string;
  start(): Promise<{ connection: ResolvedConnection; done(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'PGlite',
    start: async () => ({
      connection: { url: 'pglite://memory', redacted: 'pglite://memory', source: '--url', secrets: [], pglite: { dataDir: null } },
      done: async () => {},
    }),
  },
  {
    name: 'PostgreSQL server',
    start: async () => {
      const database = await freshDatabase();
      return { connection: { url: database.url, redacted: database.url, source: '--url', secrets: [] }, done: database.drop };
    },
  },
];

const tracking = trackingTable('public', 'sqlmig_migrations');

describe.each(targets)('catalog snapshot on $name', (target) => {
  let db: DatabaseSession;
  let done: () => Promise<void>;
  let empty: CatalogSnapshot;
  let full: CatalogSnapshot;

  beforeAll(async () => {
    const started = await target.start();
    done = started.done;
    db = await openDatabase(started.connection);
    await db.exec(createTableSql(tracking, true));
    empty = await takeSnapshot(db, tracking);
    await db.exec(CREATE_ALL);
    full = await takeSnapshot(db, tracking);
  });
  afterAll(async () => {
    await db?.close();
    await done?.();
  });

  it('leaves out system objects and the tracking table', () => {
    expect(empty.map((object) => `${object.kind} ${object.name}`)).toEqual(['schema public', 'extension plpgsql']);
  });

  it('describes every kind of object by name', () => {
    const names = full.map((object) => `${object.kind} ${object.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'schema app',
        'extension pg_trgm',
        'type app.mood',
        'type app.email',
        'type app.pair',
        'type app.span',
        'sequence app.ticket_numbers',
        'sequence app.posts_id_seq',
        'table app.users',
        'table app.events_2024',
        'column app.users.email',
        'constraint app.users.users_name_check',
        'constraint app.posts.posts_user_id_fkey',
        'index app.posts_title_trgm',
        'index app.post_counts_user',
        'view app.user_names',
        'view app.post_counts',
        'function app.touch()',
        'function app.add(a integer, b integer)',
        'function app.noop()',
        'function app.total(integer)',
        'trigger app.posts.posts_touch',
        'policy app.posts.posts_own',
      ]),
    );
    // Identity sequences belong to their column; extension members to their extension.
    expect(names).not.toContain('sequence app.users_id_seq');
    expect(names.some((name) => name.includes('similarity'))).toBe(false);
    const column = (name: string) => full.find((object) => object.name === name)!.properties;
    expect(column('app.users.name')).toMatchObject({ type: 'character varying(255)', 'not null': true, default: "'anonymous'::character varying", collation: 'C', comment: 'shown to others' });
    expect(column('app.users.id')).toMatchObject({ identity: 'always', default: null });
    expect(column('app.users.name_length')).toMatchObject({ generated: 'length((name)::text)' });
    expect(column('app.mood')).toMatchObject({ kind: 'enum', labels: "'sad', 'ok', 'happy'" });
  });

  it('gives equal snapshots for equal schemas: dropping everything and creating it again', async () => {
    await db.exec(DROP_ALL);
    expect(await takeSnapshot(db, tracking)).toEqual(empty);
    await db.exec(CREATE_ALL);
    expect(await takeSnapshot(db, tracking)).toEqual(full);
  });

  it('keeps long names whole (an identifier may be 63 bytes, table.column more)', async () => {
    const [table, column, constraint] = ['t', 'c', 'k'].map((letter) => letter.repeat(63));
    await db.exec(`CREATE TABLE app.${table} (${column} int CONSTRAINT ${constraint} UNIQUE)`);
    const names = (await takeSnapshot(db, tracking)).map((object) => object.name);
    expect(names).toEqual(expect.arrayContaining([`app.${table}.${column}`, `app.${table}.${constraint}`]));
    await db.exec(`DROP TABLE app.${table}`);
  });

  it('ignores how function bodies are indented and wrapped', async () => {
    await db.exec("CREATE OR REPLACE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$\n\n      BEGIN\n        RETURN NEW;\n      END $$;");
    expect(await takeSnapshot(db, tracking)).toEqual(full);
  });

  it('describes differences readably', async () => {
    await db.exec(`
      ALTER TABLE app.users ADD COLUMN nickname text;
      CREATE INDEX idx_users_nickname ON app.users (nickname);
      ALTER TABLE app.posts ALTER COLUMN title TYPE varchar(200);
      ALTER TYPE app.mood ADD VALUE 'angry';
      DROP TABLE app.events CASCADE;
      CREATE OR REPLACE FUNCTION app.add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b + 0';
    `);
    const words = { added: 'left behind', removed: 'missing', changed: 'changed' };
    const lines = diffSnapshots(full, await takeSnapshot(db, tracking)).map((change) => describeChange(change, words));
    expect(lines).toEqual([
      'changed: type app.mood labels \'sad\', \'ok\', \'happy\' → \'sad\', \'ok\', \'happy\', \'angry\'',
      'missing: table app.events',
      'missing: table app.events_2024',
      'changed: column app.posts.title type text → character varying(200)',
      'left behind: column app.users.nickname',
      'left behind: index app.idx_users_nickname',
      'changed: function app.add(a integer, b integer) definition …unction$SELECT a + b$function$ → …unction$SELECT a + b + 0$function$',
    ]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaModel, parseTableName } from '../../src/lint/schema.js';
import { loadParser, parseSql } from '../../src/parse/index.js';

beforeAll(async () => {
  await loadParser();
});

function apply(model: SchemaModel, sql: string): SchemaModel {
  for (const statement of parseSql(sql).statements) model.apply(statement);
  return model;
}

describe('SchemaModel', () => {
  it('resolves unqualified names to public, and keeps quoted case', () => {
    const model = apply(new SchemaModel(), 'CREATE TABLE users (id int); CREATE TABLE "Users" (id int);');
    expect(model.hasTable({ name: 'users' })).toBe(true);
    expect(model.hasTable({ schema: 'public', name: 'users' })).toBe(true);
    expect([...model.tables.keys()]).toEqual(['public.users', 'public.Users']);
  });

  it('knownTables exist from the start', () => {
    const model = new SchemaModel(['auth.users', 'Accounts', '"Quoted"."Name"']);
    expect([...model.tables.keys()]).toEqual(['auth.users', 'public.accounts', 'Quoted.Name']);
    expect(parseTableName('auth.users')).toEqual({ schema: 'auth', name: 'users' });
  });

  it('tracks columns, constraints, foreign keys, indexes and triggers through ALTER, RENAME and DROP', () => {
    const model = apply(
      new SchemaModel(),
      `CREATE TABLE orgs (id bigint PRIMARY KEY);
       CREATE TABLE users (id bigint PRIMARY KEY, org_id bigint REFERENCES orgs (id), name text);
       ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '', DROP COLUMN name, ADD CONSTRAINT users_email_key UNIQUE (email);
       CREATE INDEX users_email ON users (email);
       CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f();
       ALTER TABLE users RENAME COLUMN email TO mail;
       ALTER TABLE orgs RENAME TO organisations;`,
    );
    const users = model.table({ name: 'users' })!;
    expect([...users.columns.keys()]).toEqual(['id', 'org_id', 'mail']);
    expect(users.columns.get('mail')).toMatchObject({ notNull: true, hasDefault: true });
    // Unnamed constraints under the names PostgreSQL gives them.
    expect([...users.constraints.keys()]).toEqual(['users_pkey', 'users_org_id_fkey', 'users_email_key']);
    expect(users.foreignKeys).toEqual([{ columns: ['org_id'], references: 'public.organisations' }]);
    expect(model.referencingTables({ name: 'organisations' }).map((t) => t.name)).toEqual(['users']);
    expect([...users.indexes]).toEqual(['users_email']);
    expect(model.indexes.get('public.users_email')?.table).toBe('public.users');
    expect([...users.triggers.keys()]).toEqual(['t']);

    apply(model, 'DROP INDEX users_email; DROP TABLE users;');
    expect(model.hasTable({ name: 'users' })).toBe(false);
    expect(model.indexes.size).toBe(0);
  });

  it('tracks views, types, schemas, sequences, functions and extensions', () => {
    const model = apply(
      new SchemaModel(),
      `CREATE SCHEMA app; CREATE TABLE app.t (id int); CREATE VIEW app.v AS SELECT 1; CREATE TYPE app.mood AS ENUM ('a');
       ALTER TYPE app.mood ADD VALUE 'b'; CREATE SEQUENCE app.s; CREATE FUNCTION app.f(int) RETURNS int LANGUAGE sql AS 'SELECT 1';
       CREATE EXTENSION pgcrypto;`,
    );
    expect(model.types.get('app.mood')?.values).toEqual(['a', 'b']);
    expect([model.views.has('app.v'), model.sequences.has('app.s'), model.functions.has('app.f'), model.extensions.has('pgcrypto')]).toEqual([
      true, true, true, true,
    ]);
    apply(model, 'DROP SCHEMA app CASCADE;');
    expect([model.schemas.has('app'), model.tables.size, model.views.size, model.types.size, model.sequences.size]).toEqual([false, 0, 0, 0, 0]);
  });

  it('fork: changes on either side do not leak to the other', () => {
    const main = apply(new SchemaModel(), 'CREATE TABLE a (id int);');
    const fork = main.fork();
    apply(fork, 'ALTER TABLE a ADD COLUMN x int; DROP TABLE IF EXISTS b;');
    apply(main, 'ALTER TABLE a ADD COLUMN y int;');
    expect([...main.table({ name: 'a' })!.columns.keys()]).toEqual(['id', 'y']);
    expect([...fork.table({ name: 'a' })!.columns.keys()]).toEqual(['id', 'x']);
  });

  it('DROP takes along what PostgreSQL drops with it: partitions, owned sequences, indexes on a column; with CASCADE views and foreign keys', () => {
    const model = apply(
      new SchemaModel(),
      `CREATE TABLE events (id bigint PRIMARY KEY, at date, kind text) PARTITION BY RANGE (at);
       CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
       CREATE INDEX events_2024_at ON events_2024 (at);
       CREATE INDEX events_at ON events (at);
       CREATE INDEX ON events (lower(kind)) WHERE kind IS NOT NULL;
       CREATE SEQUENCE event_seq OWNED BY events.id;
       CREATE TABLE tags (event_id bigint REFERENCES events (id));
       CREATE VIEW recent AS SELECT * FROM events;`,
    );
    expect(model.indexes.get('public.events_2024_at')?.attachedTo).toBe('public.events_at');
    expect(model.indexes.get('public.events_idx')).toMatchObject({ table: 'public.events', generatedLabel: 'idx', referencedColumns: ['kind'] });
    const dropColumn = apply(model.fork(), 'ALTER TABLE events DROP COLUMN kind;');
    expect(dropColumn.indexes.has('public.events_idx')).toBe(false);
    const dropIndex = apply(model.fork(), 'DROP INDEX events_at;');
    expect([dropIndex.indexes.has('public.events_2024_at'), dropIndex.indexes.has('public.events_idx')]).toEqual([false, true]);
    const dropped = apply(model.fork(), 'DROP TABLE events CASCADE;');
    expect([dropped.hasTable({ name: 'events_2024' }), dropped.sequences.has('public.event_seq'), dropped.views.has('public.recent')]).toEqual([false, false, false]);
    expect([...dropped.table({ name: 'tags' })!.constraints.keys()]).toEqual([]);
    const restricted = apply(model.fork(), 'DROP TABLE events;');
    expect([restricted.views.has('public.recent'), [...restricted.table({ name: 'tags' })!.constraints.keys()]]).toEqual([true, ['tags_event_id_fkey']]);
  });

  it('DROP TYPE … CASCADE drops what PostgreSQL 15 drops: domains over it, columns of it, views naming it or reading those columns, functions taking or returning it', () => {
    // The objects and the outcome are those of a run on PostgreSQL 15 (its NOTICE lists 15 dropped objects).
    const model = apply(
      new SchemaModel(),
      `CREATE TYPE mood AS ENUM ('a', 'b');
       CREATE TABLE t (id int, m mood, other text);
       CREATE TABLE u (id int, n int);
       CREATE VIEW v_col AS SELECT id, m FROM t;
       CREATE VIEW v_nocol AS SELECT id, other FROM t;
       CREATE VIEW v_star AS SELECT * FROM t;
       CREATE VIEW v_cast AS SELECT id, 'a'::mood AS x FROM u;
       CREATE VIEW v_where AS SELECT id FROM u WHERE CAST('a' AS mood) = 'a';
       CREATE VIEW v_text AS SELECT id::text FROM u;
       CREATE MATERIALIZED VIEW mv_col AS SELECT id, m FROM t;
       CREATE MATERIALIZED VIEW mv_cast AS SELECT 'b'::mood AS y;
       CREATE VIEW v_on_v AS SELECT * FROM v_cast;
       CREATE FUNCTION f_arg(mood) RETURNS int LANGUAGE sql AS 'SELECT 1';
       CREATE FUNCTION f_arr(mood[]) RETURNS int LANGUAGE sql AS 'SELECT 1';
       CREATE FUNCTION f_ret() RETURNS mood LANGUAGE sql AS $$SELECT 'a'::mood$$;
       CREATE FUNCTION f_body() RETURNS text LANGUAGE plpgsql AS $$BEGIN RETURN 'a'::mood::text; END$$;
       CREATE DOMAIN d_mood AS mood;
       CREATE TABLE w (id int, dm d_mood, arr mood[]);
       CREATE INDEX w_dm ON w (dm);`,
    );
    const restricted = apply(model.fork(), 'DROP TYPE mood;');
    expect([...restricted.views.keys()].length).toBe(9);
    apply(model, 'DROP TYPE mood CASCADE;');
    expect([...model.types.keys()]).toEqual([]);
    expect([...model.views.keys()]).toEqual(['public.v_nocol', 'public.v_text']);
    expect([...model.functions.keys()]).toEqual(['public.f_body']);
    expect([...model.table({ name: 't' })!.columns.keys()]).toEqual(['id', 'other']);
    expect([...model.table({ name: 'w' })!.columns.keys()]).toEqual(['id']);
    expect([model.indexes.has('public.w_dm'), [...model.table({ name: 'w' })!.indexes]]).toEqual([false, []]);
  });

  it('DROP COLUMN … CASCADE drops the views naming the column or reading the table with *, not the others', () => {
    const model = apply(
      new SchemaModel(),
      `CREATE TABLE t (id int, a int, b int);
       CREATE VIEW v_a AS SELECT id, a FROM t;
       CREATE VIEW v_b AS SELECT id, b FROM t;
       CREATE VIEW v_star AS SELECT t.* FROM t;`,
    );
    expect([...apply(model.fork(), 'ALTER TABLE t DROP COLUMN a;').views.keys()]).toEqual(['public.v_a', 'public.v_b', 'public.v_star']);
    expect([...apply(model, 'ALTER TABLE t DROP COLUMN a CASCADE;').views.keys()]).toEqual(['public.v_b']);
  });

  it('RENAME of a table carries the foreign keys to it (its own included) and its partitions, a partition renamed first among them', () => {
    const model = apply(
      new SchemaModel(),
      `CREATE TABLE nodes (id bigint PRIMARY KEY, parent_id bigint REFERENCES nodes (id)) PARTITION BY HASH (id);
       CREATE TABLE nodes_0 PARTITION OF nodes FOR VALUES WITH (MODULUS 2, REMAINDER 0);
       CREATE TABLE edges (a bigint REFERENCES nodes (id));
       ALTER TABLE nodes_0 RENAME TO nodes_even;
       ALTER TABLE nodes RENAME TO vertices;`,
    );
    expect(model.table({ name: 'vertices' })!.foreignKeys).toEqual([{ columns: ['parent_id'], references: 'public.vertices' }]);
    expect(model.table({ name: 'edges' })!.foreignKeys).toEqual([{ columns: ['a'], references: 'public.vertices' }]);
    expect(model.table({ name: 'nodes_even' })!.partitionOf).toBe('public.vertices');
    expect(model.referencingTables({ name: 'vertices' }).map((t) => t.name)).toEqual(['edges']);
    const dropped = apply(model.fork(), 'DROP TABLE vertices CASCADE;');
    expect([dropped.hasTable({ name: 'nodes_even' }), [...dropped.table({ name: 'edges' })!.constraints.keys()]]).toEqual([false, []]);
  });

  it('an index on a materialized view follows it through RENAME and goes with DROP; DROP INDEX finds an unnamed one by its generated name only', () => {
    const model = apply(
      new SchemaModel(),
      `CREATE TABLE t (id int, a int);
       CREATE MATERIALIZED VIEW mv AS SELECT id, a FROM t;
       CREATE INDEX mv_a ON mv (a);
       CREATE INDEX ON t (a);
       ALTER MATERIALIZED VIEW mv RENAME TO totals;
       ALTER INDEX mv_a RENAME TO totals_a;`,
    );
    expect(model.indexes.get('public.totals_a')?.table).toBe('public.totals');
    expect(apply(model.fork(), 'DROP MATERIALIZED VIEW totals;').indexes.has('public.totals_a')).toBe(false);
    expect(apply(model.fork(), 'DROP INDEX t_a_key;').indexes.has('public.t_a_idx')).toBe(true);
    expect(apply(model.fork(), 'DROP INDEX t_a_idx1;').indexes.has('public.t_a_idx')).toBe(false);
  });
});

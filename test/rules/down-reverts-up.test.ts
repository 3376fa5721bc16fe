/** down-reverts-up beyond its examples: what counts as dropping, and what the up file did not create. */
import { describe, expect, it } from 'vitest';
import rule from '../../rules/down-reverts-up.js';
import type { ExampleFile } from '../../src/lint/rule.js';
import { lintExample } from './rule-tester.js';

const UP = '0002_change.up.sql';
const DOWN = '0002_change.down.sql';
const USERS: ExampleFile = { name: '0001_create_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);' };

/** `line:column message` of each finding on the up file, given the up and down SQL (and earlier files). */
async function findings(up: string, down: string | undefined, earlier: ExampleFile[] = [USERS]): Promise<string[]> {
  const files = [...earlier, ...(down === undefined ? [] : [{ name: DOWN, sql: down }])];
  const diagnostics = await lintExample(rule, { name: UP, sql: up, files });
  expect(diagnostics.filter((d) => d.rule === 'syntax-error')).toEqual([]);
  return diagnostics.filter((d) => d.rule === rule.id).map((d) => `${d.file === UP ? '' : `${d.file}:`}${d.line}:${d.column} ${d.message}`);
}

describe('down-reverts-up', () => {
  it('dropping a table covers its columns, indexes, constraints, triggers and partitions', async () => {
    const up =
      'CREATE TABLE IF NOT EXISTS events (id bigint, at date, user_id bigint REFERENCES users (id)) PARTITION BY RANGE (at);\n' +
      "CREATE TABLE IF NOT EXISTS events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n" +
      'CREATE INDEX IF NOT EXISTS idx_events_at ON events (at);\n' +
      'ALTER TABLE events ADD COLUMN IF NOT EXISTS kind varchar(255);\n' +
      'ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind <> \'\');\n' +
      'CREATE TRIGGER events_touch BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION touch();';
    expect(await findings(up, 'DROP TABLE IF EXISTS events;')).toEqual([]);
    expect(await findings(up, 'DROP TABLE IF EXISTS events_2024;')).toEqual(['1:28 table events is created here, and 0002_change.down.sql does not drop it']);
  });

  it('a column is reverted by DROP COLUMN or by dropping its table; an index by DROP INDEX, schema-resolved', async () => {
    const up =
      'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255);\n' +
      'CREATE SCHEMA IF NOT EXISTS app;\n' +
      'CREATE TABLE IF NOT EXISTS app.tags (id bigint);\n' +
      'CREATE INDEX IF NOT EXISTS idx_users_nickname ON public.users (nickname);\n' +
      'CREATE INDEX IF NOT EXISTS idx_tags ON app.tags (id);';
    const created = 'CREATE TABLE IF NOT EXISTS app.tags (id bigint);\n';
    expect(
      await findings(
        up,
        'DROP INDEX IF EXISTS idx_users_nickname;\nALTER TABLE users DROP COLUMN IF EXISTS nickname;\nDROP SCHEMA IF EXISTS app CASCADE;',
      ),
    ).toEqual([]);
    expect(await findings(up, 'DROP TABLE IF EXISTS users;\nDROP TABLE IF EXISTS app.tags;\nDROP SCHEMA IF EXISTS app;')).toEqual([]);
    // idx_tags lives in app: DROP INDEX idx_tags looks for it in public.
    expect(
      await findings(
        `${created}CREATE INDEX IF NOT EXISTS idx_tags ON app.tags (id);\nCREATE INDEX IF NOT EXISTS idx_email ON users (email);`,
        'DROP INDEX IF EXISTS idx_email;\nDROP INDEX IF EXISTS idx_tags;\nDROP TABLE IF EXISTS app.tags;',
      ),
    ).toEqual([]);
    const tags: ExampleFile[] = [
      { name: '0001_create_tags.up.sql', sql: `CREATE SCHEMA IF NOT EXISTS app;\n${created}` },
      { name: '0001_create_tags.down.sql', sql: 'DROP SCHEMA IF EXISTS app CASCADE;' },
    ];
    expect(await findings('CREATE INDEX IF NOT EXISTS idx_email ON app.tags (id);', 'DROP INDEX IF EXISTS idx_email;', tags)).toEqual([
      '1:1 index app.idx_email is created here, and 0002_change.down.sql does not drop it',
    ]);
  });

  it('a new view must be dropped; a replaced view, function or trigger may be restored instead', async () => {
    const earlier: ExampleFile[] = [
      { name: '0001_create_users.down.sql', sql: 'DROP VIEW IF EXISTS active_users;\nDROP FUNCTION IF EXISTS user_count();\nDROP TABLE IF EXISTS users;' },
      {
        name: '0001_create_users.up.sql',
        sql:
          `${USERS.sql}\nCREATE OR REPLACE VIEW active_users AS SELECT id FROM users;\n` +
          'CREATE OR REPLACE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;',
      },
    ];
    const up =
      'CREATE OR REPLACE VIEW active_users AS SELECT id, email FROM users;\n' +
      'CREATE OR REPLACE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users WHERE email IS NOT NULL $$;\n' +
      'CREATE OR REPLACE VIEW user_emails AS SELECT email FROM users;';
    expect(await findings(up, 'DROP VIEW IF EXISTS user_emails;', earlier)).toEqual([
      '1:24 view active_users is replaced here, and 0002_change.down.sql neither restores nor drops it',
      '2:1 function user_count is replaced here, and 0002_change.down.sql neither restores nor drops it',
    ]);
    expect(
      await findings(
        up,
        'DROP VIEW IF EXISTS user_emails;\nCREATE OR REPLACE VIEW active_users AS SELECT id FROM users;\n' +
          'CREATE OR REPLACE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;',
        earlier,
      ),
    ).toEqual([]);
    expect(await findings(up, 'CREATE OR REPLACE VIEW user_emails AS SELECT email FROM users;\nDROP VIEW active_users;\nDROP FUNCTION user_count();', earlier)).toEqual([
      '3:24 view user_emails is created here, and 0002_change.down.sql does not drop it',
    ]);
    // Dropped and created again unchanged (because something it depends on was rebuilt): nothing to restore.
    expect(await findings('DROP VIEW active_users;\nCREATE VIEW active_users AS SELECT id FROM users;', 'SELECT 1;', earlier)).toEqual([]);
  });

  it('DROP … IF EXISTS and CASCADE count: a dropped function takes its triggers, a dropped table the views on it', async () => {
    const up =
      'CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n' +
      'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();\n' +
      'CREATE TABLE IF NOT EXISTS audit (id bigint);\n' +
      'CREATE OR REPLACE VIEW audit_view AS SELECT id FROM audit;\n' +
      'CREATE MATERIALIZED VIEW IF NOT EXISTS audit_summary AS SELECT count(*) FROM audit_view;\n' +
      'CREATE UNIQUE INDEX IF NOT EXISTS idx_audit_summary ON audit_summary (count);';
    expect(await findings(up, 'DROP FUNCTION IF EXISTS touch() CASCADE;\nDROP TABLE IF EXISTS audit CASCADE;')).toEqual([]);
    expect(await findings(up, 'DROP FUNCTION IF EXISTS touch();\nDROP TABLE IF EXISTS audit;')).toEqual([
      '2:1 trigger users_touch on users is created here, and 0002_change.down.sql does not drop it',
      '4:24 view audit_view is created here, and 0002_change.down.sql does not drop it',
      '5:40 materialized view audit_summary is created here, and 0002_change.down.sql does not drop it',
    ]);
  });

  it('unnamed constraints and indexes match a drop by the name PostgreSQL gives them; a dropped column takes its indexes', async () => {
    const up =
      'ALTER TABLE users ADD COLUMN IF NOT EXISTS org_id bigint;\n' +
      'ALTER TABLE users ADD FOREIGN KEY (org_id) REFERENCES users (id);\n' +
      'ALTER TABLE users ADD UNIQUE (email);\n' +
      'CREATE INDEX ON users (lower(email));\n' +
      'CREATE INDEX IF NOT EXISTS idx_users_live ON users (id) WHERE org_id IS NOT NULL;';
    expect(
      await findings(
        up,
        'ALTER TABLE users DROP CONSTRAINT IF EXISTS users_org_id_fkey, DROP CONSTRAINT IF EXISTS users_email_key;\n' +
          'DROP INDEX IF EXISTS users_lower_idx;\nALTER TABLE users DROP COLUMN IF EXISTS org_id;',
      ),
    ).toEqual([]);
    expect(await findings(up, 'ALTER TABLE users DROP COLUMN IF EXISTS org_id;')).toEqual([
      '3:23 the unnamed constraint users_email_key on users is created here, and 0002_change.down.sql does not drop it',
      '4:1 the unnamed index users_…_idx on users is created here, and 0002_change.down.sql does not drop it',
    ]);
  });

  it('what existed before the up file is not created by it: dropped and added again, IF NOT EXISTS, renamed back', async () => {
    const earlier: ExampleFile[] = [
      { name: USERS.name, sql: `${USERS.sql}\nCREATE INDEX IF NOT EXISTS idx_users_email ON users (email);` },
    ];
    const up =
      'DROP INDEX IF EXISTS idx_users_email;\n' +
      'CREATE INDEX IF NOT EXISTS idx_users_email ON users (lower(email));\n' +
      'ALTER TABLE users ADD COLUMN IF NOT EXISTS email text;\n' +
      'CREATE TABLE IF NOT EXISTS users_new (id bigint PRIMARY KEY);\n' +
      'ALTER TABLE users RENAME TO users_old;\n' +
      'ALTER TABLE users_new RENAME TO users;';
    expect(await findings(up, 'DROP TABLE IF EXISTS users;\nALTER TABLE users_old RENAME TO users;', earlier)).toEqual([]);
    expect(await findings(up, 'ALTER TABLE users RENAME TO users_new;\nALTER TABLE users_old RENAME TO users;', earlier)).toEqual([]);
  });

  it('sequences owned by a column, temporary tables and objects dropped again in the up file need nothing', async () => {
    const up =
      'CREATE SEQUENCE IF NOT EXISTS ticket_seq;\n' +
      'CREATE TABLE IF NOT EXISTS tickets (id bigint DEFAULT nextval(\'ticket_seq\'));\n' +
      'ALTER SEQUENCE ticket_seq OWNED BY tickets.id;\n' +
      'CREATE TEMPORARY TABLE staging AS SELECT id FROM users;\n' +
      'CREATE INDEX ON staging (id);\n' +
      'CREATE TABLE IF NOT EXISTS scratch (id bigint);\n' +
      'DROP TABLE scratch;';
    expect(await findings(up, 'DROP TABLE IF EXISTS tickets;')).toEqual([]);
  });

  it('no finding without a down file, with an empty one, or with one that does not parse', async () => {
    const up = 'CREATE TABLE IF NOT EXISTS tags (id bigint);';
    expect(await findings(up, undefined)).toEqual([]);
    expect(await findings(up, '-- nothing yet\n')).toEqual([]);
    const diagnostics = await lintExample(rule, { name: UP, sql: up, files: [{ name: DOWN, sql: 'DROP TABLE tags' + ' oops;' }] });
    expect(diagnostics.map((d) => d.rule)).toEqual(['syntax-error']);
  });

  it('dropping an index on a partitioned table covers the partition indexes it took over (hatchet v1_0_47)', async () => {
    const wal: ExampleFile = { name: '0001_wal.up.sql', sql: 'CREATE TABLE IF NOT EXISTS wal (tenant_id uuid, at timestamptz) PARTITION BY HASH (tenant_id);' };
    const up =
      'CREATE INDEX IF NOT EXISTS wal_0_poll_idx ON wal_0 (tenant_id, at);\n' +
      'CREATE INDEX IF NOT EXISTS wal_1_poll_idx ON wal_1 (tenant_id, at);\n' +
      'CREATE INDEX IF NOT EXISTS wal_poll_idx ON wal (tenant_id, at);';
    expect(await findings(up, 'DROP INDEX IF EXISTS wal_poll_idx;', [wal])).toEqual([]);
    // Another column list is an index of its own, which the parent's index does not take over.
    const other = 'CREATE INDEX IF NOT EXISTS wal_0_at_idx ON wal_0 (at);\nCREATE INDEX IF NOT EXISTS wal_poll_idx ON wal (tenant_id, at);';
    expect(await findings(other, 'DROP INDEX IF EXISTS wal_poll_idx;', [wal])).toEqual([
      '1:1 index wal_0_at_idx is created here, and 0002_change.down.sql does not drop it',
    ]);
  });

  it('a table renamed away and created again under its name is not new (copy-and-swap, authelia v0003)', async () => {
    const up =
      'ALTER TABLE users RENAME TO users_bkp;\n' +
      'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email varchar(320));\n' +
      'INSERT INTO users (id, email) SELECT id, email FROM users_bkp;\n' +
      'DROP TABLE IF EXISTS users_bkp;\n' +
      'CREATE TABLE IF NOT EXISTS user_emails (id bigint);';
    expect(await findings(up, 'DROP TABLE IF EXISTS users_bkp;')).toEqual([
      '5:28 table user_emails is created here, and 0002_change.down.sql does not drop it',
    ]);
  });

  it('a constraint dropped and added again with a new definition must be restored by the down file (hydra fix_foreign_key)', async () => {
    const orders: ExampleFile = {
      name: '0001_orders.up.sql',
      sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\nCREATE TABLE IF NOT EXISTS orders (id bigint, user_id bigint, CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE);',
    };
    const up =
      'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_user_fk;\n' +
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;';
    expect(await findings(up, 'SELECT 1;', [orders])).toEqual([
      '2:24 constraint orders_user_fk on orders is replaced here, and 0002_change.down.sql neither restores nor drops it',
    ]);
    const restored =
      'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_user_fk;\n' +
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;';
    expect(await findings(up, restored, [orders])).toEqual([]);
  });

  it('DROP CONSTRAINT does not drop a plain unique index of that name (PostgreSQL refuses it: crates.io 0235)', async () => {
    const up = 'CREATE UNIQUE INDEX IF NOT EXISTS users_email_uindex ON users (email);';
    expect(await findings(up, 'ALTER TABLE users DROP CONSTRAINT users_email_uindex;')).toEqual([
      '1:1 index users_email_uindex is created here, and 0002_change.down.sql does not drop it',
    ]);
    const constraint = 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);';
    expect(await findings(constraint, 'ALTER TABLE users DROP CONSTRAINT users_email_key;')).toEqual([]);
  });

  it('columns and triggers added to a table from outside the folder count; DROP FUNCTION … CASCADE takes the trigger (Lemmy 0249)', async () => {
    const up =
      'ALTER TABLE legacy ADD COLUMN IF NOT EXISTS note text;\n' +
      'CREATE FUNCTION forbid() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;\n' +
      'CREATE TRIGGER forbid BEFORE INSERT ON legacy EXECUTE FUNCTION forbid();';
    expect(await findings(up, 'DROP FUNCTION forbid CASCADE;')).toEqual([
      '1:45 column note of legacy is created here, and 0002_change.down.sql does not drop it',
    ]);
    expect(await findings(up, 'DROP FUNCTION forbid;\nALTER TABLE legacy DROP COLUMN IF EXISTS note;')).toEqual([
      '3:1 trigger forbid on legacy is created here, and 0002_change.down.sql does not drop it',
    ]);
  });

  it('a constraint follows renames: of the table it references, and of its index (Lemmy 0118, 0192)', async () => {
    const earlier: ExampleFile[] = [
      {
        name: '0001_create.up.sql',
        sql:
          'CREATE TABLE IF NOT EXISTS user_ (id bigint PRIMARY KEY);\n' +
          'CREATE TABLE IF NOT EXISTS comment (id serial PRIMARY KEY, creator_id bigint REFERENCES user_ ON DELETE CASCADE);\n' +
          'ALTER TABLE user_ RENAME TO person;\n' +
          'ALTER TABLE comment RENAME TO note;\n' +
          'ALTER INDEX comment_pkey RENAME TO note_pkey;',
      },
    ];
    // Dropped and added again as it was (the referenced table now has another name; REFERENCES t means t's primary key).
    const readded =
      'ALTER TABLE note DROP CONSTRAINT IF EXISTS comment_creator_id_fkey;\n' +
      'ALTER TABLE note ADD CONSTRAINT comment_creator_id_fkey FOREIGN KEY (creator_id) REFERENCES person (id) ON DELETE CASCADE;';
    expect(await findings(readded, 'SELECT 1;', earlier)).toEqual([]);
    // The primary key is note_pkey now: the down file that drops the up file's key and adds the old one back restores it.
    const swapped = 'ALTER TABLE note DROP COLUMN id, ADD PRIMARY KEY (creator_id);';
    expect(await findings(swapped, 'ALTER TABLE note DROP CONSTRAINT note_pkey, ADD COLUMN id serial PRIMARY KEY;', earlier)).toEqual([]);
  });

  it('DROP TYPE … CASCADE covers the columns of the type, the views naming it or reading those columns, the functions returning it', async () => {
    const up =
      "CREATE TYPE mood AS ENUM ('a', 'b');\n" +
      'ALTER TABLE users ADD COLUMN IF NOT EXISTS mood mood;\n' +
      'CREATE OR REPLACE VIEW user_moods AS SELECT id, mood FROM users;\n' +
      "CREATE MATERIALIZED VIEW IF NOT EXISTS happy AS SELECT 'a'::mood AS m;\n" +
      "CREATE OR REPLACE FUNCTION default_mood() RETURNS mood LANGUAGE sql AS $$ SELECT 'a'::mood $$;\n" +
      'CREATE OR REPLACE VIEW user_ids AS SELECT id FROM users;';
    expect(await findings(up, 'DROP VIEW IF EXISTS user_ids;\nDROP TYPE IF EXISTS mood CASCADE;')).toEqual([]);
    // Without CASCADE PostgreSQL refuses the DROP TYPE: nothing that uses the type goes.
    expect(await findings(up, 'DROP VIEW IF EXISTS user_ids;\nDROP TYPE IF EXISTS mood;')).toEqual([
      '2:44 column mood of users is created here, and 0002_change.down.sql does not drop it',
      '3:24 view user_moods is created here, and 0002_change.down.sql does not drop it',
      '4:40 materialized view happy is created here, and 0002_change.down.sql does not drop it',
      '5:1 function default_mood is created here, and 0002_change.down.sql does not drop it',
    ]);
    // The view reading only other columns of the table stays.
    expect(await findings(up, 'DROP TYPE IF EXISTS mood CASCADE;')).toEqual(['6:24 view user_ids is created here, and 0002_change.down.sql does not drop it']);
  });

  it('a view DROP TYPE … CASCADE took is new when created again under its name (no OR REPLACE): the down file must restore it', async () => {
    const earlier: ExampleFile[] = [
      { name: '0001_create_users.down.sql', sql: 'DROP VIEW IF EXISTS moods;\nDROP TYPE IF EXISTS mood;\nDROP TABLE IF EXISTS users;' },
      { name: '0001_create_users.up.sql', sql: `${USERS.sql}\nCREATE TYPE mood AS ENUM ('a');\nCREATE OR REPLACE VIEW moods AS SELECT 'a'::mood AS m;` },
    ];
    const up = "DROP TYPE IF EXISTS mood CASCADE;\nCREATE TYPE mood AS ENUM ('a', 'b');\nCREATE VIEW moods AS SELECT 'b'::mood AS m;";
    expect(await findings(up, "ALTER TYPE mood RENAME VALUE 'b' TO 'c';", earlier)).toEqual([
      '3:13 view moods is replaced here, and 0002_change.down.sql neither restores nor drops it',
    ]);
    expect(await findings(up, "DROP VIEW IF EXISTS moods;\nDROP TYPE IF EXISTS mood;\nCREATE TYPE mood AS ENUM ('a');\nCREATE VIEW moods AS SELECT 'a'::mood AS m;", earlier)).toEqual([]);
  });
});

/**
 * The planner alone (pure): snapshots in, migrations out. The end-to-end test
 * (diff.test.ts) runs what it drafts through lint and verify.
 */
import { describe, expect, it } from 'vitest';
import { planDiff } from '../../src/diff/plan.js';
import type { CatalogObject, CatalogSnapshot } from '../../src/verify/snapshot.js';

const table = (name: string, properties: Partial<CatalogObject['properties']> = {}): CatalogObject => ({
  kind: 'table',
  name,
  parent: null,
  properties: { kind: 'table', unlogged: false, 'partition key': null, 'partition of': null, inherits: null, 'row security': 'disabled', options: null, privileges: 'x', comment: null, ...properties },
});
const column = (name: string, type: string, properties: Partial<CatalogObject['properties']> = {}): CatalogObject => ({
  kind: 'column',
  name,
  parent: `table ${name.slice(0, name.lastIndexOf('.'))}`,
  properties: { type, 'not null': false, default: null, generated: null, identity: null, collation: null, comment: null, ...properties },
});
const constraint = (name: string, definition: string): CatalogObject => ({
  kind: 'constraint',
  name,
  parent: `table ${name.slice(0, name.lastIndexOf('.'))}`,
  properties: { definition },
});
const index = (name: string, parent: string, definition: string): CatalogObject => ({ kind: 'index', name, parent, properties: { definition, valid: true } });

const USERS: CatalogSnapshot = [
  table('public.users'),
  column('public.users.id', 'bigint', { 'not null': true }),
  column('public.users.email', 'text'),
  constraint('public.users.users_pkey', 'PRIMARY KEY (id)'),
  index('public.users_pkey', 'constraint public.users.users_pkey', 'CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)'),
];

describe('planDiff', () => {
  it('plans nothing for equal schemas', () => {
    expect(planDiff(USERS, USERS)).toEqual({ migrations: [], notes: [] });
  });

  it('creates a new table with its columns in order, constraints inline, and drops it in the down file', () => {
    const { migrations } = planDiff([], USERS, new Map([['public.users.id', 1], ['public.users.email', 2]]));
    expect(migrations).toHaveLength(1);
    expect(migrations[0]!.up).toEqual(['CREATE TABLE IF NOT EXISTS public.users (\n    id bigint NOT NULL,\n    email text,\n    CONSTRAINT users_pkey PRIMARY KEY (id)\n);']);
    expect(migrations[0]!.down).toEqual(['DROP TABLE IF EXISTS public.users;']);
    expect(migrations[0]!.noTransaction).toBe(false);
  });

  it('adds a NOT NULL column to an existing table nullable, with a NOT VALID check and a backfill placeholder, then validates in a later migration', () => {
    const desired = [...USERS, column('public.users.nickname', 'character varying(255)', { 'not null': true })];
    const { migrations } = planDiff(USERS, desired);
    expect(migrations.map((m) => m.suffix)).toEqual(['', 'validate']);
    const [main, validate] = migrations;
    expect(main!.up[0]).toBe('ALTER TABLE public.users ADD COLUMN IF NOT EXISTS nickname character varying(255);');
    expect(main!.up[1]).toBe('ALTER TABLE public.users ADD CONSTRAINT users_nickname_not_null CHECK ((nickname IS NOT NULL)) NOT VALID;');
    expect(main!.up[2]).toMatch(/^-- Backfill .*\n-- UPDATE public.users SET nickname = … WHERE nickname IS NULL;$/);
    expect(main!.down).toEqual([
      'ALTER TABLE public.users DROP CONSTRAINT IF EXISTS users_nickname_not_null;',
      'ALTER TABLE public.users DROP COLUMN IF EXISTS nickname;',
    ]);
    expect(validate!.up).toEqual([
      'ALTER TABLE public.users VALIDATE CONSTRAINT users_nickname_not_null;',
      'ALTER TABLE public.users ALTER COLUMN nickname SET NOT NULL;',
      'ALTER TABLE public.users DROP CONSTRAINT IF EXISTS users_nickname_not_null;',
    ]);
    expect(validate!.down).toEqual([
      'ALTER TABLE public.users ALTER COLUMN nickname DROP NOT NULL;',
      'ALTER TABLE public.users ADD CONSTRAINT users_nickname_not_null CHECK ((nickname IS NOT NULL)) NOT VALID;',
    ]);
  });

  it('adds a NOT NULL column with a DEFAULT in one step', () => {
    const desired = [...USERS, column('public.users.active', 'boolean', { 'not null': true, default: 'true' })];
    const { migrations } = planDiff(USERS, desired);
    expect(migrations.map((m) => m.up)).toEqual([['ALTER TABLE public.users ADD COLUMN IF NOT EXISTS active boolean DEFAULT true NOT NULL;']]);
  });

  it('builds an index on an existing table CONCURRENTLY in a no-transaction migration of its own', () => {
    const desired = [...USERS, index('public.users_email_idx', 'table public.users', 'CREATE INDEX users_email_idx ON public.users USING btree (email)')];
    const { migrations } = planDiff(USERS, desired);
    expect(migrations).toHaveLength(1);
    expect(migrations[0]).toMatchObject({
      suffix: 'concurrent indexes',
      noTransaction: true,
      up: ['CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON public.users USING btree (email);'],
      down: ['DROP INDEX CONCURRENTLY IF EXISTS public.users_email_idx;'],
    });
  });

  it('adds a UNIQUE constraint to an existing table USING INDEX of a concurrently built index', () => {
    const desired = [
      ...USERS,
      constraint('public.users.users_email_key', 'UNIQUE (email)'),
      index('public.users_email_key', 'constraint public.users.users_email_key', 'CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)'),
    ];
    const [migration] = planDiff(USERS, desired).migrations;
    expect(migration!.up).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON public.users USING btree (email);',
      'ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
    ]);
    expect(migration!.down).toEqual(['ALTER TABLE public.users DROP CONSTRAINT IF EXISTS users_email_key;']);
  });

  it('adds a FOREIGN KEY to an existing table NOT VALID and validates it in a later migration; parents are created first', () => {
    const teams = [table('public.teams'), column('public.teams.id', 'bigint', { 'not null': true }), constraint('public.teams.teams_pkey', 'PRIMARY KEY (id)')];
    const desired = [...USERS, ...teams, column('public.users.team_id', 'bigint'), constraint('public.users.users_team_id_fkey', 'FOREIGN KEY (team_id) REFERENCES teams(id)')];
    const { migrations } = planDiff(USERS, desired);
    expect(migrations[0]!.up).toEqual([
      'CREATE TABLE IF NOT EXISTS public.teams (\n    id bigint NOT NULL,\n    CONSTRAINT teams_pkey PRIMARY KEY (id)\n);',
      'ALTER TABLE public.users ADD COLUMN IF NOT EXISTS team_id bigint;',
      'ALTER TABLE public.users ADD CONSTRAINT users_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams(id) NOT VALID;',
    ]);
    expect(migrations[0]!.down).toEqual([
      'ALTER TABLE public.users DROP CONSTRAINT IF EXISTS users_team_id_fkey;',
      'ALTER TABLE public.users DROP COLUMN IF EXISTS team_id;',
      'DROP TABLE IF EXISTS public.teams;',
    ]);
    expect(migrations[1]!.up).toEqual(['ALTER TABLE public.users VALIDATE CONSTRAINT users_team_id_fkey;']);
  });

  it('re-adds a dropped CHECK exactly in the down file, saying why it validates in the same transaction', () => {
    const current = [...USERS, constraint('public.users.email_has_at', "CHECK ((email ~~ '%@%'::text))")];
    const [migration] = planDiff(current, USERS).migrations;
    expect(migration!.up).toEqual(['ALTER TABLE public.users DROP CONSTRAINT IF EXISTS email_has_at;']);
    expect(migration!.down).toEqual([
      "ALTER TABLE public.users ADD CONSTRAINT email_has_at CHECK ((email ~~ '%@%'::text)) NOT VALID;",
      '-- sqlmig-disable-next-line constraint-not-valid -- restores the schema from before the up file exactly\nALTER TABLE public.users VALIDATE CONSTRAINT email_has_at;',
    ]);
  });

  it('adds enum values in place; the down file creates the type again without them and moves its columns over', () => {
    const type = (labels: string): CatalogObject => ({ kind: 'type', name: 'public.status', parent: null, properties: { kind: 'enum', labels, comment: null } });
    const state = column('public.users.state', 'status', { default: "'active'::status" });
    const { migrations, notes } = planDiff([...USERS, state, type("'active', 'gone'")], [...USERS, state, type("'new', 'active', 'paused', 'gone'")]);
    expect(migrations[0]!.up).toEqual([
      "ALTER TYPE public.status ADD VALUE IF NOT EXISTS 'new' BEFORE 'active';",
      "ALTER TYPE public.status ADD VALUE IF NOT EXISTS 'paused' BEFORE 'gone';",
    ]);
    expect(migrations[0]!.down).toEqual([
      'ALTER TYPE public.status RENAME TO status__old;',
      "CREATE TYPE public.status AS ENUM ('active', 'gone');",
      'ALTER TABLE public.users ALTER COLUMN state DROP DEFAULT;',
      '-- sqlmig-disable-next-line table-rewrite -- restores the schema from before the up file exactly\n' +
        'ALTER TABLE public.users ALTER COLUMN state TYPE public.status USING state::text::public.status;',
      "ALTER TABLE public.users ALTER COLUMN state SET DEFAULT 'active'::status;",
      'DROP TYPE IF EXISTS public.status__old;',
    ]);
    expect(notes).toEqual([]);
  });

  it('reports a reordered enum for hand editing', () => {
    const type = (labels: string): CatalogObject => ({ kind: 'type', name: 'public.status', parent: null, properties: { kind: 'enum', labels, comment: null } });
    const { notes } = planDiff([type("'active', 'gone'")], [type("'gone', 'active'")]);
    expect(notes).toContainEqual({ kind: 'manual', message: expect.stringMatching(/^enum public.status: values reordered .* cannot move an enum value/) });
  });

  it('restores a dropped table exactly in the down file, a TEXT status column with a disable comment saying why', () => {
    const orders = [table('public.orders'), column('public.orders.status', 'text')];
    const [migration] = planDiff([...USERS, ...orders], USERS).migrations;
    expect(migration!.up).toEqual(['DROP TABLE IF EXISTS public.orders;']);
    expect(migration!.down).toEqual([
      'CREATE TABLE IF NOT EXISTS public.orders (\n' +
        '    -- sqlmig-disable-next-line status-column-varchar -- restores the schema from before the up file exactly\n' +
        '    status text\n);',
    ]);
  });

  it('creates a partition with the parent and its bound, the way dump writes it, after its parent', () => {
    const events = [
      table('public.events', { kind: 'partitioned table', 'partition key': 'RANGE (at)' }),
      column('public.events.at', 'date'),
      table('public.events 2026', { 'partition of': `events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')` }),
      column('public.events 2026.at', 'date'),
    ];
    const [migration] = planDiff(USERS, [...USERS, ...events]).migrations;
    expect(migration!.up).toEqual([
      'CREATE TABLE IF NOT EXISTS public.events (\n    at date\n)\nPARTITION BY RANGE (at);',
      `CREATE TABLE IF NOT EXISTS public."events 2026" PARTITION OF events\n    FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`,
    ]);
  });

  it('hints at a rename for a dropped and an added column of the same type', () => {
    const desired = [...USERS.filter((object) => object.name !== 'public.users.email'), column('public.users.mail', 'text')];
    const { notes, migrations } = planDiff(USERS, desired);
    expect(migrations[0]!.up).toEqual(['ALTER TABLE public.users DROP COLUMN IF EXISTS email;', 'ALTER TABLE public.users ADD COLUMN IF NOT EXISTS mail text;']);
    expect(notes).toEqual([
      { kind: 'rename', message: expect.stringContaining('replace both with ALTER TABLE public.users RENAME COLUMN email TO mail') },
    ]);
  });

  it('drops and re-creates a view whose table changes a column type, and quotes reserved words', () => {
    const view = (definition: string): CatalogObject => ({ kind: 'view', name: 'public.user', parent: null, properties: { kind: 'view', definition, options: null, privileges: 'x', comment: null } });
    const current = [...USERS, view(' SELECT users.email\n   FROM users;')];
    const desired = [...USERS.filter((object) => object.name !== 'public.users.email'), column('public.users.email', 'character varying(255)'), view(' SELECT users.email\n   FROM users;')];
    const [migration] = planDiff(current, desired).migrations;
    expect(migration!.up).toEqual([
      'DROP VIEW IF EXISTS public."user";',
      'ALTER TABLE public.users ALTER COLUMN email TYPE character varying(255);',
      'CREATE OR REPLACE VIEW public."user" AS\n   SELECT users.email\n   FROM users;',
    ]);
  });
});

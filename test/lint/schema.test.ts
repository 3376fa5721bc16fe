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
    expect([...users.constraints.keys()]).toEqual(['users_email_key']);
    expect(users.foreignKeys).toEqual([{ columns: ['org_id'], references: 'public.organisations' }]);
    expect(model.referencingTables({ name: 'organisations' }).map((t) => t.name)).toEqual(['users']);
    expect([...users.indexes]).toEqual(['users_email']);
    expect(model.indexes.get('public.users_email')).toBe('public.users');
    expect([...users.triggers]).toEqual(['t']);

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
});

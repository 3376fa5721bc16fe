/** What the lock rules read from the parse view (issue 15): volatile DEFAULTs, CHECK (col IS NOT NULL), VACUUM FULL, CLUSTER, literals. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseSql } from '../../src/parse/index.js';
import type { Statement } from '../../src/parse/types.js';

beforeAll(() => loadParser());

const one = (sql: string): Statement => parseSql(sql).statements[0]!;

describe('parse views for the lock rules', () => {
  it('names the volatile function a DEFAULT calls, not STABLE ones or constants', () => {
    const view = one(
      'CREATE TABLE t (a uuid DEFAULT gen_random_uuid(), b timestamptz DEFAULT now(), c int DEFAULT 1, d float8 DEFAULT (random() * 10))',
    ).view;
    if (view.kind !== 'create-table') throw new Error(view.kind);
    expect(view.columns.map((column) => column.volatileDefault)).toEqual(['gen_random_uuid', undefined, undefined, 'random']);
  });

  it('lists every function a DEFAULT calls, qualified as written, and reads a function\'s declared volatility', () => {
    const view = one("CREATE TABLE t (a text DEFAULT app.random_label(), b text DEFAULT lower(random_string(26)), c int DEFAULT 1)").view;
    if (view.kind !== 'create-table') throw new Error(view.kind);
    expect(view.columns.map((column) => column.defaultCalls)).toEqual([
      [{ schema: 'app', name: 'random_label' }],
      [{ name: 'lower' }, { name: 'random_string' }],
      undefined,
    ]);
    const volatility = ['', ' STABLE', ' IMMUTABLE', ' VOLATILE'].map((declared) => {
      const created = one(`CREATE FUNCTION f() RETURNS int LANGUAGE sql${declared} AS $$ SELECT 1 $$`).view;
      return created.kind === 'create-function' ? created.volatility : created.kind;
    });
    expect(volatility).toEqual(['volatile', 'stable', 'immutable', 'volatile']);
  });

  it('marks CHECK (col IS NOT NULL) with its column, and nothing else', () => {
    const view = one('ALTER TABLE t ADD CONSTRAINT a CHECK (email IS NOT NULL) NOT VALID, ADD CONSTRAINT b CHECK (email IS NOT NULL AND id > 0)').view;
    if (view.kind !== 'alter-table') throw new Error(view.kind);
    expect(view.actions.map((action) => (action.type === 'add-constraint' ? action.constraint.notNullColumn : 'other'))).toEqual(['email', undefined]);
  });

  it('tells VACUUM FULL from VACUUM, and CLUSTER with its table', () => {
    expect(one('VACUUM (FULL, ANALYZE) t').view).toMatchObject({ kind: 'vacuum', full: true });
    expect(one('VACUUM t').view).toMatchObject({ kind: 'vacuum', full: false });
    expect(one('CLUSTER t USING t_pkey').view).toMatchObject({ kind: 'cluster', table: { name: 't' } });
    expect(one('CLUSTER')).toMatchObject({ view: { kind: 'cluster' }, notInTransaction: 'CLUSTER' });
  });

  it('lists the string constants of data and table statements, not of function bodies', () => {
    expect(one("UPDATE orders SET status = 'refunded' WHERE note <> 'x'").literals).toEqual(['refunded', 'x']);
    expect(one("CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT 'refunded' $$").literals).toBeUndefined();
    expect(one('SELECT 1').literals).toBeUndefined();
  });
});

/** Which ALTER COLUMN TYPE changes rewrite the table (table-rewrite's semantics; the lock test checks the rule's examples on PostgreSQL). */
import { describe, expect, it } from 'vitest';
import { typeChangeRewrite } from '../../src/lint/rewrites.js';
import { loadParser, parseSql } from '../../src/parse/index.js';
import type { TypeRef } from '../../src/parse/types.js';

async function type(text: string): Promise<TypeRef> {
  await loadParser();
  const view = parseSql(`CREATE TABLE t (c ${text});`).statements[0]!.view;
  if (view.kind !== 'create-table') throw new Error(text);
  return view.columns[0]!.type!;
}

describe('typeChangeRewrite', () => {
  const cases: Array<[string, string, 'no' | 'yes' | 'timezone']> = [
    ['integer', 'bigint', 'yes'],
    ['varchar(50)', 'varchar(100)', 'no'],
    ['varchar(100)', 'varchar(50)', 'yes'],
    ['varchar(50)', 'text', 'no'],
    ['text', 'varchar', 'no'],
    ['text', 'varchar(20)', 'yes'],
    ['text', 'integer', 'yes'],
    ['numeric(10,2)', 'numeric(12,2)', 'no'],
    ['numeric(10,2)', 'numeric(12,3)', 'yes'],
    ['numeric(10,2)', 'numeric', 'no'],
    ['timestamp(3)', 'timestamp(6)', 'no'],
    ['timestamp', 'timestamptz', 'timezone'],
    ['timestamptz', 'timestamp', 'timezone'],
    ['cidr', 'inet', 'no'],
    ['bigint', 'int8', 'no'],
  ];
  for (const [from, to, rewrites] of cases) {
    it(`${from} → ${to}: ${rewrites}`, async () => {
      expect(typeChangeRewrite(await type(from), await type(to), false)).toBe(rewrites);
    });
  }
  it('USING always rewrites', async () => {
    expect(typeChangeRewrite(await type('varchar(50)'), await type('text'), true)).toBe('yes');
  });
});

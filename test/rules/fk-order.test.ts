/** fk-order beyond its examples: how names resolve, and what counts as created earlier. */
import { describe, expect, it } from 'vitest';
import rule from '../../rules/fk-order.js';
import type { RuleExample } from '../../src/lint/rule.js';
import { lintExample } from './rule-tester.js';

const USERS = { name: '0001_create_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);' };

/** `file:line:column` of each fk-order finding. */
async function findings(example: RuleExample): Promise<string[]> {
  const diagnostics = await lintExample(rule, example);
  expect(diagnostics.filter((d) => d.rule === 'syntax-error')).toEqual([]);
  return diagnostics.filter((d) => d.rule === rule.id).map((d) => `${d.file}:${d.line}:${d.column}`);
}

describe('fk-order', () => {
  it('a table may reference itself', async () => {
    expect(await findings({ sql: 'CREATE TABLE IF NOT EXISTS nodes (id bigint PRIMARY KEY, parent_id bigint REFERENCES nodes (id));' })).toEqual([]);
  });

  it('knownTables exist from the start, qualified or not', async () => {
    const sql = 'CREATE TABLE IF NOT EXISTS profiles (id uuid REFERENCES auth.users (id), org_id bigint REFERENCES orgs (id));';
    expect(await findings({ sql, config: { knownTables: ['auth.users', 'orgs'] } })).toEqual([]);
    expect(await findings({ sql, config: { knownTables: ['users'] } })).toEqual(['0001_example.up.sql:1:57', '0001_example.up.sql:1:99']);
  });

  it('users and public.users are one table; "Users" is another', async () => {
    const name = '0002_create_orders.up.sql';
    expect(await findings({ name, sql: 'CREATE TABLE IF NOT EXISTS orders (user_id bigint REFERENCES public.users (id));', files: [USERS] })).toEqual([]);
    expect(
      await findings({
        name,
        sql: 'CREATE TABLE IF NOT EXISTS orders (user_id bigint REFERENCES users (id));',
        files: [{ name: USERS.name, sql: 'CREATE TABLE IF NOT EXISTS public.users (id bigint PRIMARY KEY);' }],
      }),
    ).toEqual([]);
    expect(await findings({ name, sql: 'CREATE TABLE IF NOT EXISTS orders (user_id bigint REFERENCES "Users" (id));', files: [USERS] })).toEqual([
      `${name}:1:62`,
    ]);
  });

  it('an earlier statement of the same file counts; a later one, or a later migration, does not', async () => {
    expect(
      await findings({
        sql:
          'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY);\n' +
          'ALTER TABLE orders ADD COLUMN IF NOT EXISTS user_id bigint REFERENCES users (id);\n' +
          'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n' +
          'ALTER TABLE orders ADD CONSTRAINT orders_users_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      }),
    ).toEqual(['0001_example.up.sql:2:71']);
    const diagnostics = await lintExample(rule, {
      sql: 'CREATE TABLE IF NOT EXISTS orders (user_id bigint, FOREIGN KEY (user_id) REFERENCES users (id));',
      files: [{ name: '0002_create_users.up.sql', sql: USERS.sql }],
    });
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '1:85 users is referenced here but only created later, in 0002_create_users.up.sql',
    ]);
  });

  it('tables made by a DO block, CREATE TABLE … AS / LIKE / PARTITION OF, or renamed earlier are known', async () => {
    const files = [
      {
        name: '0001_tables.up.sql',
        sql:
          "DO $$ BEGIN IF to_regclass('accounts') IS NULL THEN CREATE TABLE accounts (id bigint PRIMARY KEY); END IF; END $$;\n" +
          'CREATE TABLE IF NOT EXISTS snapshot AS SELECT 1 AS id;\n' +
          'CREATE TABLE IF NOT EXISTS accounts_copy (LIKE accounts INCLUDING ALL);\n' +
          'CREATE TABLE IF NOT EXISTS events (id bigint, at date) PARTITION BY RANGE (at);\n' +
          "CREATE TABLE IF NOT EXISTS events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n" +
          'CREATE TABLE IF NOT EXISTS members_old (id bigint PRIMARY KEY);\n' +
          'ALTER TABLE members_old RENAME TO members;',
      },
    ];
    const sql =
      'CREATE TABLE IF NOT EXISTS refs (\n' +
      '  a bigint REFERENCES accounts, b bigint REFERENCES snapshot, c bigint REFERENCES accounts_copy,\n' +
      '  d bigint REFERENCES events_2024, e bigint REFERENCES members, f bigint REFERENCES members_old\n' +
      ');';
    expect(await findings({ name: '0002_refs.up.sql', sql, files })).toEqual(['0002_refs.up.sql:3:85']);
  });

  it('a down file drops children first; CASCADE, one DROP for both, or dropping the foreign key first are fine', async () => {
    const up = {
      name: '0001_shop.up.sql',
      sql:
        'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n' +
        'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n' +
        'CREATE TABLE IF NOT EXISTS notes (id bigint PRIMARY KEY, user_id bigint);\n' +
        'ALTER TABLE notes ADD FOREIGN KEY (user_id) REFERENCES users (id);',
    };
    const name = '0001_shop.down.sql';
    const down = (sql: string) => findings({ name, sql, files: [up] });
    expect(await down('DROP TABLE IF EXISTS users;\nDROP TABLE IF EXISTS orders, notes;')).toEqual([`${name}:1:1`]);
    expect(await down('DROP TABLE IF EXISTS users CASCADE;')).toEqual([]);
    expect(await down('DROP TABLE IF EXISTS orders, notes, users;')).toEqual([]);
    expect(
      await down(
        'ALTER TABLE notes DROP CONSTRAINT IF EXISTS notes_user_id_fkey;\n' +
          'ALTER TABLE orders DROP COLUMN user_id;\n' +
          'DROP TABLE IF EXISTS users;',
      ),
    ).toEqual([]);
  });

  it('an up file may drop a parent and its children in any order (destructive-change speaks there)', async () => {
    expect(
      await findings({
        name: '0002_drop.up.sql',
        sql: 'DROP TABLE IF EXISTS users;',
        files: [{ name: '0001_x.up.sql', sql: `${USERS.sql}\nCREATE TABLE IF NOT EXISTS orders (user_id bigint REFERENCES users (id));` }],
      }),
    ).toEqual([]);
  });

  it('a dangling reference is reported once: not again when the down file of the late parent drops it', async () => {
    expect(
      await findings({
        name: '0002_users.down.sql',
        sql: 'DROP TABLE IF EXISTS users;',
        files: [
          { name: '0001_orders.up.sql', sql: 'CREATE TABLE IF NOT EXISTS orders (id bigint, user_id bigint REFERENCES users (id));' },
          { name: '0002_users.up.sql', sql: USERS.sql },
        ],
      }),
    ).toEqual(['0001_orders.up.sql:1:73']);
  });
});

/** require-down beyond its examples. */
import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-down.js';
import { lintExample } from './rule-tester.js';

const UP = { name: '0001_create_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);' };

async function findings(name: string, sql: string, files = [UP]): Promise<string[]> {
  const diagnostics = await lintExample(rule, { name, sql, files });
  return diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`);
}

describe('require-down', () => {
  it('a down file of comments and blank lines only reverts nothing; a syntax error is not reported twice', async () => {
    expect(await findings('0001_create_users.down.sql', '\n/* later */\n-- todo\n')).toEqual(['0001_create_users.down.sql:1:1 require-down']);
    expect(await findings('0001_create_users.down.sql', 'DROP TABLE users')).toEqual([]);
    expect(await findings('0001_create_users.down.sql', 'DROP TABLLE users;')).toEqual(['0001_create_users.down.sql:1:6 syntax-error']);
  });

  it('a down file without an up file is left to migration-filename', async () => {
    expect(await findings('0002_orphan.down.sql', '-- nothing\n', [])).toEqual([]);
  });

  it('an irreversible migration says so with a disable comment in its down file', async () => {
    expect(await findings('0001_create_users.down.sql', '-- sqlmig-disable require-down -- the data fix cannot be undone\n')).toEqual([]);
  });
});

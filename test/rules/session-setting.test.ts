/** session-setting beyond its examples: what resets a SET, the hint per file kind, down files. */
import { describe, expect, it } from 'vitest';
import rule from '../../rules/session-setting.js';
import type { RuleExample } from '../../src/lint/rule.js';
import { lintExample } from './rule-tester.js';

async function findings(example: RuleExample): Promise<string[]> {
  const diagnostics = await lintExample(rule, example);
  expect(diagnostics.filter((d) => d.rule === 'syntax-error')).toEqual([]);
  return diagnostics.filter((d) => d.rule === rule.id).map((d) => `${d.file}:${d.line}:${d.column} ${d.hint}`);
}

describe('session-setting', () => {
  it('RESET ALL and SET … TO DEFAULT end earlier SETs; a SET after the reset is reported', async () => {
    expect(await findings({ sql: "SET statement_timeout = 0;\nSET search_path TO a;\nRESET ALL;" })).toEqual([]);
    expect(await findings({ sql: 'SET search_path TO a;\nSET search_path TO DEFAULT;' })).toEqual([]);
    expect(await findings({ sql: 'SET search_path TO a;\nRESET search_path;\nSET search_path TO b;' })).toEqual([
      "0001_example.up.sql:3:1 use SET LOCAL search_path, which ends with this migration's transaction",
    ]);
  });

  it('the hint in a no-transaction file is RESET; SET TIME ZONE and SET SESSION AUTHORIZATION are named as written', async () => {
    expect(await findings({ sql: "-- sqlmig:no-transaction\nSET TIME ZONE 'UTC';\nSET SESSION AUTHORIZATION admin;" })).toEqual([
      '0001_example.up.sql:2:1 RESET timezone at the end of the file (this file runs outside a transaction, so SET LOCAL would last one statement)',
      '0001_example.up.sql:3:1 RESET SESSION AUTHORIZATION at the end of the file (this file runs outside a transaction, so SET LOCAL would last one statement)',
    ]);
  });

  it('a RESET in another file does not count; down files are checked too', async () => {
    const up = { name: '0001_a.up.sql', sql: 'SET ROLE owner;' };
    expect(await findings({ name: '0001_a.down.sql', sql: 'RESET ROLE;\nSET ROLE owner;', files: [up] })).toEqual([
      "0001_a.down.sql:2:1 use SET LOCAL ROLE, which ends with this migration's transaction",
      "0001_a.up.sql:1:1 use SET LOCAL ROLE, which ends with this migration's transaction",
    ]);
  });
});

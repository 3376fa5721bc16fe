/** `lint.baseline` (issue 15): old migrations build the schema model but are never reported on; `init` sets it. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { run } from '../../src/cli/run.js';
import { computeSum } from '../../src/migrations/sum.js';
import { fakeIO } from '../helpers/io.js';
import { tempProject } from '../config/helpers.js';

function project(config: object): string {
  const cwd = tempProject();
  mkdirSync(join(cwd, 'sql'));
  writeFileSync(join(cwd, '.migraterc.json'), JSON.stringify({ dir: 'sql', ...config }));
  // 0001 creates the table; 0002 indexes it under lock (history); 0003 does it again (new).
  const files: Record<string, string> = {
    '0001_create_users.up.sql': 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);',
    '0001_create_users.down.sql': 'DROP TABLE IF EXISTS users;',
    '0002_index_email.up.sql': 'CREATE INDEX IF NOT EXISTS idx_users_email ON users (email);',
    '0002_index_email.down.sql': '-- sqlmig:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx_users_email;',
    '0003_index_id_email.up.sql': 'CREATE INDEX IF NOT EXISTS idx_users_id_email ON users (id, email);',
    '0003_index_id_email.down.sql': '-- sqlmig:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx_users_id_email;',
  };
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(cwd, 'sql', name), sql);
  // A sum as `sqlmig hash` writes it, so edited-migration has nothing to say.
  writeFileSync(join(cwd, 'sql', 'sqlmig.sum'), computeSum(Object.entries(files).map(([fileName, sql]) => ({ file: { fileName }, checksum: sha256(sql) }))));
  return cwd;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function lintRules(cwd: string): Promise<string[]> {
  const io = fakeIO({ cwd });
  await run(['lint', '--format', 'json'], io);
  const result = JSON.parse(io.stdoutText()) as { diagnostics: Array<{ file: string; rule: string }> };
  return result.diagnostics.map((d) => `${d.file.split('/').pop()} ${d.rule}`);
}

describe('lint.baseline', () => {
  it('reports nothing on migrations at or below it, and still knows what they created', async () => {
    const all = await lintRules(project({}));
    expect(all).toContain('0002_index_email.up.sql require-concurrent-index');
    expect(all).toContain('0003_index_id_email.up.sql require-concurrent-index');

    const baselined = await lintRules(project({ lint: { baseline: 2 } }));
    expect(baselined.filter((line) => line.startsWith('0001') || line.startsWith('0002'))).toEqual([]);
    // 0003 is still checked against the table 0001 created (an existing table: the index build locks it).
    expect(baselined).toContain('0003_index_id_email.up.sql require-concurrent-index');
  });

  it('must be a whole number', async () => {
    const cwd = project({ lint: { baseline: '2' } });
    const io = fakeIO({ cwd });
    expect(await run(['lint'], io)).toBe(2);
    expect(io.stderrText()).toContain('lint.baseline');
    expect(io.stderrText()).toContain('write 2 without quotes');
  });

  it('sqlmig init in a folder that has migrations sets it to the newest version', async () => {
    const cwd = project({});
    rmSync(join(cwd, '.migraterc.json'));
    const io = fakeIO({ cwd });
    expect(await run(['init'], io)).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, '.migraterc.json'), 'utf8')).lint.baseline).toBe(3);
    expect(io.stderrText()).toContain('lint.baseline is 3');
    expect(await lintRules(cwd)).toEqual([]);
  });
});

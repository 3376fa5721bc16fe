/** `sqlmig lint --since <git-ref>` (issue 15): reports only on migration files added or changed since the ref. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { tempProject } from '../config/helpers.js';
import { fakeIO } from '../helpers/io.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, stdio: 'pipe' });

function repository(): string {
  const cwd = tempProject();
  mkdirSync(join(cwd, 'sql'));
  writeFileSync(join(cwd, '.migraterc.json'), JSON.stringify({ dir: 'sql' }));
  writeFileSync(join(cwd, 'sql', '0001_create_users.up.sql'), 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);');
  writeFileSync(join(cwd, 'sql', '0001_create_users.down.sql'), 'DROP TABLE IF EXISTS users;');
  // History with a finding: an index built under lock on the existing table.
  writeFileSync(join(cwd, 'sql', '0002_index_email.up.sql'), 'CREATE INDEX IF NOT EXISTS idx_users_email ON users (email);');
  writeFileSync(join(cwd, 'sql', '0002_index_email.down.sql'), '-- sqlmig:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx_users_email;');
  git(cwd, 'init', '-q');
  git(cwd, 'add', '.');
  git(cwd, 'commit', '-qm', 'history');
  return cwd;
}

async function reportedFiles(cwd: string, args: string[]): Promise<{ code: number; files: string[]; stderr: string }> {
  const io = fakeIO({ cwd });
  const code = await run(['lint', '--format', 'json', ...args], io);
  const files = code === 2 ? [] : (JSON.parse(io.stdoutText()) as { diagnostics: Array<{ file: string }> }).diagnostics.map((d) => d.file.split('/').pop()!);
  return { code, files: [...new Set(files)].sort(), stderr: io.stderrText() };
}

describe('lint --since', () => {
  it('reports on files added or changed since the ref, committed or not', async () => {
    const cwd = repository();
    expect((await reportedFiles(cwd, [])).files).toContain('0002_index_email.up.sql');
    expect(await reportedFiles(cwd, ['--since', 'HEAD'])).toEqual({ code: 0, files: [], stderr: '' });

    // A new, untracked migration with the same hazard: only it is reported (and it is known to run on an existing table).
    writeFileSync(join(cwd, 'sql', '0003_index_id.up.sql'), 'CREATE INDEX IF NOT EXISTS idx_users_id_email ON users (id, email);');
    writeFileSync(join(cwd, 'sql', '0003_index_id.down.sql'), '-- sqlmig:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx_users_id_email;');
    const since = await reportedFiles(cwd, ['--since', 'HEAD']);
    expect(since.files).toEqual(['0003_index_id.up.sql']);
    expect(since.code).toBe(1);

    git(cwd, 'add', '.');
    git(cwd, 'commit', '-qm', 'more');
    expect((await reportedFiles(cwd, ['--since', 'HEAD~1'])).files).toEqual(['0003_index_id.up.sql']);
  });

  it('an unknown ref is a usage error (exit 2) that says what git said', async () => {
    const result = await reportedFiles(repository(), ['--since', 'no-such-branch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since no-such-branch: git failed');
  });
});

/**
 * A checkout with CRLF line endings (git autocrlf on Windows) is the same
 * migration set: checksums read CRLF as LF, and sums recorded from raw CRLF
 * bytes before that (tracking rows, sqlmig.sum) still match.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { expectCleanOutput, freshDatabaseWithPassword } from './helpers.js';

const server = freshDatabaseWithPassword();

async function appliedShop(): Promise<{ project: Project; schema: string }> {
  const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
  const project = await createProject({ fixture: 'shop', config: { schema } });
  onTestFinished(() => project.cleanup());
  const up = await cli(project, ['--url', server.url, 'up']);
  expectCleanOutput(up, { codes: [0] });
  expect((await cli(project, ['hash'])).code).toBe(0);
  return { project, schema };
}

/** Rewrites every .sql file of the project with the given line ending. */
function convert(project: Project, eol: '\r\n' | '\n'): void {
  for (const name of readdirSync(project.sqlDir).filter((n) => n.endsWith('.sql'))) {
    const path = join(project.sqlDir, name);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/\r\n/g, '\n').replace(/\n/g, eol));
  }
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

async function expectAllApplied(project: Project): Promise<void> {
  const status = await cli(project, ['--url', server.url, '--format', 'json', 'status']);
  expectCleanOutput(status, { codes: [0] });
  const states = (JSON.parse(status.stdout) as { migrations: Array<{ state: string }> }).migrations.map((m) => m.state);
  expect(states).toEqual(['applied', 'applied', 'applied']);
  const up = await cli(project, ['--url', server.url, 'up']);
  expectCleanOutput(up, { codes: [0] });
  const lint = await cli(project, ['--format', 'json', 'lint']);
  expect(lint.stdout).not.toContain('edited-migration');
  expect(lint.code).toBe(0);
}

describe('CRLF checkouts', () => {
  it('a CRLF copy of an applied set is applied, not edited: status, up, lint', async () => {
    const { project } = await appliedShop();
    convert(project, '\r\n');
    expect(readFileSync(join(project.sqlDir, '0001_create_users.up.sql'), 'utf8')).toContain('\r\n');
    await expectAllApplied(project);
  });

  it('sums recorded from raw CRLF bytes (tracking rows and sqlmig.sum) still match an LF checkout', async () => {
    const { project, schema } = await appliedShop();
    // What an older sqlmig recorded from a CRLF checkout: the sha256 of the bytes as they were.
    convert(project, '\r\n');
    const files = readdirSync(project.sqlDir).filter((n) => n.endsWith('.sql')).sort();
    const raw = new Map(files.map((name) => [name, sha256(readFileSync(join(project.sqlDir, name)))]));
    await withConnection(server.db.url, async (sql) => {
      for (const [name, sum] of raw) {
        if (name.endsWith('.up.sql')) await sql.unsafe(`UPDATE ${schema}.sqlmig_migrations SET checksum = $1 WHERE version = $2`, [sum, Number(name.slice(0, 4))]);
      }
    });
    const body = [...raw].sort(([a], [b]) => (a.slice(0, 4) === b.slice(0, 4) ? (a.endsWith('.up.sql') ? -1 : 1) : a < b ? -1 : 1)).map(([name, sum]) => `${sum}  ${name}\n`).join('');
    writeFileSync(join(project.sqlDir, 'sqlmig.sum'), `total ${sha256(body)}\n${body}`);
    convert(project, '\n');
    await expectAllApplied(project);
    // The CRLF checkout itself matches them too.
    convert(project, '\r\n');
    await expectAllApplied(project);
  });

  it('a real edit in a CRLF checkout is still an edit', async () => {
    const { project } = await appliedShop();
    convert(project, '\r\n');
    const path = join(project.sqlDir, '0002_create_orders.up.sql');
    writeFileSync(path, `${readFileSync(path, 'utf8')}-- edited\r\n`);
    const up = await cli(project, ['--url', server.url, 'up']);
    expectCleanOutput(up, { codes: [1] });
    expect(up.stderr).toContain('applied migration 2 was edited');
  });
});

/**
 * Nothing destructive by accident: going down more than one migration, or
 * through a down file that drops a table or column, asks on a terminal and
 * refuses without one unless --yes (library: `yes: true`); --dry-run and
 * --sql never ask.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate } from '../../src/index.js';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { expectCleanOutput, freshDatabaseWithPassword } from './helpers.js';

const server = freshDatabaseWithPassword();
const bin = fileURLToPath(new URL('../../dist/cli/sqlmig.cjs', import.meta.url));

async function appliedShop(): Promise<{ project: Project; schema: string; versions: () => Promise<number[]> }> {
  const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
  const project = await createProject({ fixture: 'shop', config: { schema } });
  onTestFinished(() => project.cleanup());
  expectCleanOutput(await cli(project, ['--url', server.url, 'up']), { codes: [0] });
  const versions = async () =>
    (await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT version::int AS v FROM ${schema}.sqlmig_migrations ORDER BY 1`))).map((row) => row.v as number);
  return { project, schema, versions };
}

/** The built CLI on a pseudo-terminal (`script`), answering `answer` once it asks. */
function onTerminal(project: Project, args: string[], answer: string): Promise<{ code: number; output: string }> {
  const command = [process.execPath, bin, ...args].map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: project.dir, env: { PATH: process.env.PATH, TERM: 'dumb' } });
  let output = '';
  let answered = false;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (!answered && output.includes('revert? [y/N]')) {
      answered = true;
      child.stdin.write(`${answer}\n`);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

describe('down asks before it loses data', () => {
  it('without a terminal: down --to 0 and a down that drops a column are refused (exit 2); --yes runs them', async () => {
    const { project, versions } = await appliedShop();
    const all = await cli(project, ['--url', server.url, 'down', '--to', '0']);
    expectCleanOutput(all, { codes: [2] });
    expect(all.stderr).toContain('error: nothing was reverted: it needs a confirmation, and there is no terminal to ask on');
    expect(all.stderr).toContain('reverting 3 migrations (3, 2, 1)');
    expect(all.stderr).toContain('sql/0001_create_users.down.sql:1: drops table users');
    expect(all.stderr).toContain('--yes');
    // One migration, but its down file drops a column.
    const one = await cli(project, ['--url', server.url, 'down']);
    expectCleanOutput(one, { codes: [2] });
    expect(one.stderr).toContain('sql/0003_add_status_to_orders.down.sql:1: drops column orders.status');
    expect(await versions()).toEqual([1, 2, 3]);

    for (const args of [['down', '--to', '0', '--dry-run'], ['down', '--to', '0', '--sql'], ['redo', '--sql']]) {
      expectCleanOutput(await cli(project, ['--url', server.url, ...args]), { codes: [0], context: args.join(' ') });
    }
    expect(await versions()).toEqual([1, 2, 3]);

    expectCleanOutput(await cli(project, ['--url', server.url, 'down', '--yes']), { codes: [0] });
    expect(await versions()).toEqual([1, 2]);
    expectCleanOutput(await cli(project, ['--url', server.url, 'down', '--to', '0', '--yes']), { codes: [0] });
    expect(await versions()).toEqual([]);
  });

  it('a down that drops nothing, one migration: no question', async () => {
    const { project, versions } = await appliedShop();
    await project.write('0004_comment.up.sql', "COMMENT ON TABLE orders IS 'orders';\n");
    await project.write('0004_comment.down.sql', 'COMMENT ON TABLE orders IS NULL;\n');
    expectCleanOutput(await cli(project, ['--url', server.url, 'up']), { codes: [0] });
    expectCleanOutput(await cli(project, ['--url', server.url, 'down']), { codes: [0] });
    expect(await versions()).toEqual([1, 2, 3]);
  });

  it('on a terminal: asks; "n" reverts nothing (exit 2), "y" reverts', async () => {
    const { project, versions } = await appliedShop();
    const no = await onTerminal(project, ['--url', server.url, 'down', '--to', '0'], 'n');
    expect(no.output).toContain('revert? [y/N]');
    expect(no.output).toContain('nothing was reverted: not confirmed');
    expect(no.code).toBe(2);
    expect(await versions()).toEqual([1, 2, 3]);
    const yes = await onTerminal(project, ['--url', server.url, 'down', '--to', '0'], 'y');
    expect(yes.code, yes.output).toBe(0);
    expect(await versions()).toEqual([]);
  });

  it('the library: migrate({ direction: "down" }) needs yes: true', async () => {
    const { project, versions } = await appliedShop();
    const options = { cwd: project.dir, url: server.url, direction: 'down' as const, to: 0 };
    await expect(migrate(options)).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED', exitCode: 2 });
    expect(await versions()).toEqual([1, 2, 3]);
    await expect(migrate({ ...options, confirm: async () => false })).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    expect((await migrate({ ...options, yes: true })).current).toBeNull();
    expect(await versions()).toEqual([]);
  });
});

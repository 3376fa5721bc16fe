/**
 * Runners started together: the advisory lock serialises them, nothing is
 * applied twice, and the result is that of some serial order.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, spawnCli, type Project } from '../fixtures/runner/project.js';
import { expectCleanOutput, freshDatabaseWithPassword } from './helpers.js';

const server = freshDatabaseWithPassword();

const COUNT = 20;
const pad = (version: number) => String(version).padStart(4, '0');

/**
 * 20 migrations in their own schema; every fifth one sleeps 0.3 s. Each
 * writes (pid, 'up'|'down', version) to a journal outside the migrations,
 * so the test sees who ran what, in which order.
 */
async function setup(): Promise<{ project: Project; schema: string }> {
  const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
  await withConnection(server.db.url, (sql) =>
    sql.unsafe(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.journal (id serial PRIMARY KEY, pid int NOT NULL, action text NOT NULL, version int NOT NULL)`),
  );
  const project = await createProject({ config: { schema, lockWait: 120 } });
  onTestFinished(() => project.cleanup());
  for (let version = 1; version <= COUNT; version++) {
    const slow = version % 5 === 0 ? 'SELECT pg_sleep(0.3);\n' : '';
    const journal = (action: string) => `INSERT INTO ${schema}.journal (pid, action, version) VALUES (pg_backend_pid(), '${action}', ${version});\n`;
    await project.write(`${pad(version)}_step.up.sql`, `CREATE TABLE ${schema}.t${version} (id int);\n${slow}${journal('up')}`);
    await project.write(`${pad(version)}_step.down.sql`, `DROP TABLE ${schema}.t${version};\n${journal('down')}`);
  }
  return { project, schema };
}

interface JournalRow {
  pid: number;
  action: 'up' | 'down';
  version: number;
}

async function journal(schema: string): Promise<JournalRow[]> {
  return (await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT pid, action, version FROM ${schema}.journal ORDER BY id`))) as unknown as JournalRow[];
}

/** The tracking rows, and whether each migration's table exists (it must exactly when the row does). */
async function trackedState(schema: string): Promise<{ versions: number[]; dirty: number; tables: number[] }> {
  return withConnection(server.db.url, async (sql) => {
    const rows = await sql.unsafe(`SELECT version::int AS v, dirty FROM ${schema}.sqlmig_migrations ORDER BY version`);
    const tables = await sql`SELECT substr(table_name, 2)::int AS v FROM information_schema.tables WHERE table_schema = ${schema} AND table_name ~ '^t[0-9]+$' ORDER BY 1`;
    return { versions: rows.map((row) => row.v as number), dirty: rows.filter((row) => row.dirty).length, tables: tables.map((row) => row.v as number) };
  });
}

/**
 * Checks that the journal is what running the commands one after another
 * would write, in some order: each process's work is one unbroken block, and
 * each block is exactly what its command does from the state the block
 * before left. Returns the versions applied at the end.
 */
function expectSerialOrder(rows: readonly JournalRow[], start: readonly number[], downStep: number): number[] {
  const applied = new Set(start);
  const seenPids = new Set<number>();
  let index = 0;
  while (index < rows.length) {
    const pid = rows[index]!.pid;
    expect(seenPids.has(pid), `process ${pid} ran in two separate blocks: interleaved`).toBe(false);
    seenPids.add(pid);
    const block: JournalRow[] = [];
    while (index < rows.length && rows[index]!.pid === pid) block.push(rows[index++]!);
    const action = block[0]!.action;
    const sorted = [...applied].sort((a, b) => a - b);
    const expected =
      action === 'up'
        ? Array.from({ length: COUNT }, (_, i) => i + 1).filter((version) => !applied.has(version))
        : sorted.slice(-downStep).reverse();
    expect(block, `block of process ${pid}`).toEqual(expected.map((version) => ({ pid, action, version })));
    for (const version of expected) {
      if (action === 'up') applied.add(version);
      else applied.delete(version);
    }
  }
  return [...applied].sort((a, b) => a - b);
}

describe('runners started together', () => {
  it(`8 \`up\` processes on ${COUNT} pending migrations: all exit 0, each migration applied exactly once`, async () => {
    const { project, schema } = await setup();
    const results = await Promise.all(Array.from({ length: 8 }, () => spawnCli(project, ['--url', server.url, 'up', '--no-lint'])));
    for (const result of results) expectCleanOutput(result, { codes: [0] });

    // Whoever got the lock first applied everything; the others waited, then found nothing to do.
    const appliedCounts = results.map((result) => Number(/Applied (\d+) migrations?/.exec(result.stdout)?.[1] ?? 0));
    expect(appliedCounts.reduce((sum, n) => sum + n, 0)).toBe(COUNT);
    expect(results.filter((result) => result.stdout.includes('Nothing to do')).length).toBe(appliedCounts.filter((n) => n === 0).length);

    const rows = await journal(schema);
    expect(rows.map((row) => row.version)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
    expect(new Set(rows.map((row) => row.pid)).size).toBe(1);
    const state = await trackedState(schema);
    expect(state).toEqual({ versions: rows.map((row) => row.version), dirty: 0, tables: rows.map((row) => row.version) });
    const checksums = await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT count(DISTINCT checksum)::int AS n, count(*)::int AS rows FROM ${schema}.sqlmig_migrations`));
    expect(checksums).toEqual([{ n: COUNT, rows: COUNT }]);
  });

  it('`down` racing `up` (two of each): serialised by the lock, never interleaved, the outcome of a serial order', async () => {
    const { project, schema } = await setup();
    expectCleanOutput(await cli(project, ['--url', server.url, 'up', '--no-lint', '--to', '10']), { codes: [0] });
    await withConnection(server.db.url, (sql) => sql.unsafe(`TRUNCATE ${schema}.journal`));

    const commands = [['up', '--no-lint'], ['down', '--step', '3', '--yes'], ['up', '--no-lint'], ['down', '--step', '3', '--yes']];
    const results = await Promise.all(commands.map((command) => spawnCli(project, ['--url', server.url, ...command])));
    for (const result of results) expectCleanOutput(result, { codes: [0] });

    const rows = await journal(schema);
    const finalVersions = expectSerialOrder(rows, Array.from({ length: 10 }, (_, i) => i + 1), 3);
    const state = await trackedState(schema);
    expect(state).toEqual({ versions: finalVersions, dirty: 0, tables: finalVersions });
  });
});

/**
 * Hostile migrations folders: random bytes, truncated real migrations,
 * invalid UTF-8, NUL bytes, symbolic links, files that vanish between discovery and reading. `lint`, `status`
 * and `up` give findings or clear errors (exit 0/1/2), never a stack trace,
 * and never send what they cannot send as written.
 *
 * The fuzzed part is seeded: SQLMIG_FUZZ_SEED=<n> replays a failure.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, type CliResult, type Project } from '../fixtures/runner/project.js';
import { CORPUS_DIR } from '../lint/corpus.js';
import { expectCleanOutput, freshDatabaseWithPassword } from './helpers.js';
import { seededRandom } from '../helpers/random.js';

/** A file that discovery lists and that is deleted before it is read (see the last test). */
const vanishing = vi.hoisted(() => ({ path: undefined as string | undefined }));
vi.mock('../../src/migrations/discover.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/migrations/discover.js')>();
  return {
    ...original,
    discoverMigrations: (dir: string) => {
      const set = original.discoverMigrations(dir);
      if (vanishing.path) rmSync(vanishing.path);
      return set;
    },
  };
});

const SEED = Number(process.env.SQLMIG_FUZZ_SEED ?? 20_261_121);

const server = freshDatabaseWithPassword();
beforeAll(() => {
  console.info(`hostile-files: fuzz seed ${SEED} (replay with SQLMIG_FUZZ_SEED=${SEED})`);
});

async function setup(): Promise<{ project: Project; schema: string }> {
  const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
  const project = await createProject({ config: { schema } });
  onTestFinished(() => project.cleanup());
  return { project, schema };
}

/** lint (pretty and JSON), status and up on the project: each must end cleanly. */
async function runCommands(project: Project, context: string): Promise<Record<'lint' | 'json' | 'status' | 'up', CliResult>> {
  const sqlmig = async (args: string[]) => {
    const result = await cli(project, ['--url', server.url, ...args]);
    expectCleanOutput(result, { context: `${context}: sqlmig ${args.join(' ')}` });
    return result;
  };
  const json = await sqlmig(['--format', 'json', 'lint']);
  if (json.code !== 2) expect(() => JSON.parse(json.stdout), `${context}: lint --format json prints JSON`).not.toThrow();
  return { lint: await sqlmig(['lint']), json, status: await sqlmig(['status']), up: await sqlmig(['up']) };
}

/** Every .sql file of the corpus, for truncating. */
function corpusFiles(): string[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => readdirSync(join(CORPUS_DIR, entry.name)).filter((name) => name.endsWith('.sql')).map((name) => join(CORPUS_DIR, entry.name, name)))
    .sort();
}

describe('fuzzed migrations folders', () => {
  it(`random bytes, truncated corpus files, invalid UTF-8, NUL bytes and odd names (seed ${SEED})`, async () => {
    const next = seededRandom(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const corpus = corpusFiles();
    const { project, schema } = await setup();

    for (let round = 0; round < 8; round++) {
      for (const name of await project.files()) await project.remove(name);
      const written: string[] = [];
      for (let version = 1; version <= 10; version++) {
        let bytes: Buffer;
        const kind = pick(['truncated', 'truncated', 'truncated', 'random', 'mutated']);
        if (kind === 'random') {
          bytes = Buffer.from(Array.from({ length: 1 + Math.floor(next() * 4096) }, () => Math.floor(next() * 256)));
        } else {
          const original = readFileSync(pick(corpus));
          // Any byte offset: cuts through statements, strings, dollar quotes and multi-byte characters.
          bytes = Buffer.from(original.subarray(0, Math.floor(next() * (original.length + 1))));
          if (kind === 'mutated' && bytes.length > 0) {
            for (let i = 0; i < 1 + Math.floor(next() * 4); i++) bytes[Math.floor(next() * bytes.length)] = pick([0x00, 0xff, 0xc3, 0xe2, 0x80, 0x27, 0x24]);
          }
        }
        const direction = next() < 0.8 ? 'up' : 'down';
        const fileName = `${String(version).padStart(4, '0')}_fuzz_${round}.${direction}.sql`;
        await writeFile(join(project.sqlDir, fileName), bytes);
        written.push(`${fileName} (${kind}, ${bytes.length} bytes)`);
      }
      // Names discovery must reject, not trip over.
      await project.write(pick(['0011_Bad-Name.up.sql', '0011_new\nline.up.sql', 'x.up.sql', '0011_é.up.sql', '0011_a.UP.SQL']), 'SELECT 1;\n');

      const context = `seed ${SEED}, round ${round}: ${written.join(', ')}`;
      const results = await runCommands(project, context);
      // Random bytes and cut files fail lint; up's lint gate then refuses before anything runs.
      expect(results.up.code, context).toBe(1);
      expect(results.up.stderr, context).toContain('nothing was run');
    }
    expect(await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT count(*)::int AS n FROM ${schema}.sqlmig_migrations`))).toEqual([{ n: 0 }]);
  });
});

describe('what cannot be sent as written', () => {
  it.each([
    { what: 'a NUL character', line: (schema: string) => Buffer.from('SELECT 1;\u0000DROP TABLE ' + schema + '.first;') },
    { what: 'bytes that are not valid UTF-8', line: (schema: string) => Buffer.from(`INSERT INTO ${schema}.first VALUES ('caf\u00e9');`, 'latin1') },
  ])('$what: up --no-lint refuses the file at its position; nothing runs', async ({ what, line }) => {
    const { project, schema } = await setup();
    await project.write('0001_first.up.sql', `CREATE TABLE ${schema}.first (id int);\n`);
    const bad = line(schema);
    // The column of the first byte that cannot be sent (the line is ASCII before it).
    const column = bad.findIndex((byte) => byte === 0 || byte > 0x7f) + 1;
    await writeFile(join(project.sqlDir, '0002_hostile.up.sql'), Buffer.concat([Buffer.from('-- line 1\n'), bad, Buffer.from('\n')]));
    const result = await cli(project, ['--url', server.url, 'up', '--no-lint']);
    expectCleanOutput(result, { codes: [1] });
    expect(result.stderr).toContain(`error: sql/0002_hostile.up.sql:2:${column}: the file contains ${what}`);
    expect(result.stderr).toContain('(nothing was run)');
    const tables = await withConnection(server.db.url, (sql) => sql`SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = ${schema}`);
    expect(tables.map((row) => row.t)).not.toContain('first');
  });

  it('random printable text: the server refuses it, the migration rolls back', async () => {
    const next = seededRandom(SEED + 1);
    const { project, schema } = await setup();
    const text = Array.from({ length: 2000 }, () => String.fromCharCode(32 + Math.floor(next() * 95))).join('');
    await project.write('0001_noise.up.sql', `CREATE TABLE ${schema}.noise (id int);\n${text}\n`);
    const result = await cli(project, ['--url', server.url, 'up', '--no-lint']);
    expectCleanOutput(result, { codes: [1], context: `seed ${SEED + 1}` });
    expect(result.stderr).toContain('0001_noise.up.sql was rolled back');
    expect(await withConnection(server.db.url, (sql) => sql`SELECT to_regclass(${`${schema}.noise`}) AS t`)).toEqual([{ t: null }]);
  });
});

describe('size', () => {
  // The 50 MB and 100,000-file versions with their durations are in bench/size (npm run bench).
  it('a file over the parse limit: lint reports it too large to lint, status lists it, up refuses it, up --no-lint applies it', async () => {
    const { project, schema } = await setup();
    const line = `-- ${'padding '.repeat(12)}\n`;
    const padding = line.repeat(Math.ceil((9 * 1024 * 1024) / line.length));
    await project.write('0001_big.up.sql', `${padding}CREATE TABLE IF NOT EXISTS ${schema}.big (id int);\n`);
    await project.write('0001_big.down.sql', `DROP TABLE IF EXISTS ${schema}.big;\n`);
    const sqlmig = async (args: string[], codes: number[]) => {
      const result = await cli(project, ['--url', server.url, ...args]);
      expectCleanOutput(result, { codes });
      return result;
    };
    const lint = await sqlmig(['lint'], [1]);
    expect(lint.stdout).toContain('the file is too large to lint (9 MB; sqlmig parses files up to 8 MB)');
    // Not a syntax problem: the hint says how to apply it, not to fix the SQL.
    expect(lint.stdout).toContain('`sqlmig up --no-lint`');
    expect(lint.stdout).not.toContain('own parser');
    expect((await sqlmig(['status'], [0])).stdout).toMatch(/0001\s+big\s+pending/);
    expect((await sqlmig(['up'], [1])).stderr).toContain('too large to lint');
    await sqlmig(['up', '--no-lint'], [0]);
    expect((await sqlmig(['status'], [0])).stdout).toMatch(/0001\s+big\s+applied/);
    expect(await withConnection(server.db.url, (sql) => sql`SELECT to_regclass(${`${schema}.big`}) IS NOT NULL AS t`)).toEqual([{ t: true }]);
  });
});

describe('symbolic links and vanishing files', () => {
  it('links to a file, to a folder, dangling and looping: findings and refusals, no crash', async () => {
    const { project, schema } = await setup();
    const elsewhere = join(project.dir, 'elsewhere');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'real.sql'), `CREATE TABLE IF NOT EXISTS ${schema}.linked (id int);\n`);
    await writeFile(join(elsewhere, 'real.down.sql'), `DROP TABLE IF EXISTS ${schema}.linked;\n`);
    await symlink(join(elsewhere, 'real.sql'), join(project.sqlDir, '0001_linked.up.sql'));
    await symlink(join(elsewhere, 'real.down.sql'), join(project.sqlDir, '0001_linked.down.sql'));
    await symlink(elsewhere, join(project.sqlDir, '0002_folder.up.sql'));
    await symlink(join(project.dir, 'nowhere.sql'), join(project.sqlDir, '0003_dangling.up.sql'));
    await symlink(join(project.sqlDir, '0004_loop.up.sql'), join(project.sqlDir, '0004_loop.up.sql'));

    const results = await runCommands(project, 'symlinks');
    expect(results.lint.code).toBe(1);
    expect(results.lint.stdout).toContain('"0003_dangling.up.sql" is a symbolic link to');
    expect(results.lint.stdout).toContain('"0004_loop.up.sql" is a symbolic link');
    expect(results.status.stdout).toMatch(/0001\s+linked\s+pending/);
    expect(results.up.code).toBe(1);
    expect(results.up.stderr).toContain('sql/0003_dangling.up.sql');

    // Without the broken links, the linked file is a migration like any other.
    await project.remove('0003_dangling.up.sql');
    await project.remove('0004_loop.up.sql');
    expectCleanOutput(await cli(project, ['--url', server.url, 'up', '--no-lint']), { codes: [0] });
    expect(await withConnection(server.db.url, (sql) => sql`SELECT to_regclass(${`${schema}.linked`})::text AS t`)).toEqual([{ t: `${schema}.linked` }]);
  });

  it('a file deleted between discovery and reading: exit 2 saying so, for lint, status and up', async () => {
    const { project } = await setup();
    await project.write('0001_stays.up.sql', 'SELECT 1;\n');
    for (const command of [['lint'], ['status'], ['up', '--no-lint']]) {
      await project.write('0002_vanishes.up.sql', 'SELECT 2;\n');
      vanishing.path = join(project.sqlDir, '0002_vanishes.up.sql');
      try {
        const result = await cli(project, ['--url', server.url, ...command]);
        expectCleanOutput(result, { codes: [2], context: command.join(' ') });
        expect(result.stderr, command.join(' ')).toContain(
          'error: sql/0002_vanishes.up.sql: cannot read the migration file: it does not exist (deleted or renamed while sqlmig was running?)',
        );
      } finally {
        vanishing.path = undefined;
      }
    }
  });
});

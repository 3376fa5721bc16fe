import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { createProject, spawnCli, type Project } from '../fixtures/runner/project.js';

const bin = fileURLToPath(new URL('../../dist/cli/sqlmig.cjs', import.meta.url));

/** A project whose second migration runs for 3.3 s, longer than the live line's 2 s threshold. */
async function slowProject(): Promise<Project> {
  const project = await createProject();
  await project.write('0001_create_jobs.up.sql', 'CREATE TABLE IF NOT EXISTS jobs (id bigint PRIMARY KEY);\n');
  await project.write('0001_create_jobs.down.sql', 'DROP TABLE IF EXISTS jobs;\n');
  // A notice while it runs, after the live line appeared.
  await project.write('0002_slow_backfill.up.sql', "DO $$ BEGIN PERFORM pg_sleep(2.5); RAISE NOTICE 'halfway there'; PERFORM pg_sleep(0.8); END $$;\n");
  await project.write('0002_slow_backfill.down.sql', 'SELECT 1;\n');
  return project;
}

async function appliedVersions(url: string): Promise<number[]> {
  return withConnection(url, async (sql) => (await sql<{ version: string }[]>`SELECT version FROM sqlmig_migrations ORDER BY version`).map((row) => Number(row.version)));
}

describe('progress of a long run', () => {
  let db: FreshDatabase;
  let project: Project;

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('in a log (not a terminal) prints a line when each migration starts, before its result', async () => {
    project = await slowProject();
    try {
      const result = await spawnCli(project, ['--url', db.url, 'up', '--no-lint']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toContain('applying');
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines.slice(0, 4).map((line) => line.replace(/ \(.*\)$/, ''))).toEqual([
        'applying 0001_create_jobs',
        'applied  0001_create_jobs',
        'applying 0002_slow_backfill',
        'applied  0002_slow_backfill',
      ]);
      expect(result.stdout).not.toContain('\r');
      expect(await appliedVersions(db.url)).toEqual([1, 2]);

      const down = await spawnCli(project, ['--url', db.url, 'down']);
      expect(down.stdout).toMatch(/^reverting 0002_slow_backfill\nreverted 0002_slow_backfill \(/);
    } finally {
      await project.cleanup();
    }
  });

  it('on a terminal shows a live elapsed-time line for a migration still running after 2 s, then erases it', async () => {
    await withConnection(db.url, (sql) => sql`DROP TABLE IF EXISTS jobs, sqlmig_migrations`);
    project = await slowProject();
    try {
      // script(1) gives the CLI a pseudo-terminal as stdout and copies what it writes.
      const command = [process.execPath, bin, '--url', db.url, 'up', '--no-lint', '--verbose'].map(shellQuote).join(' ');
      const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
        cwd: project.dir,
        env: { PATH: process.env.PATH, NO_COLOR: '1', TERM: 'xterm' },
      });
      // The live line: redrawn in place (carriage return + erase line) with the seconds so far.
      expect(stdout).toMatch(/\r\u001b\[2Kapplying 0002_slow_backfill … \d s/);
      // Erased before a note (stderr, the same terminal), which gets a line of its own.
      expect(stdout).toMatch(/… \d s\r\u001b\[2Knotice: halfway there\r?\n/);
      // Erased before the migration's own line, which ends up alone on its line.
      // (A note may have erased it last.)
      expect(stdout).toMatch(/(\r\u001b\[2K|\n)applied  0002_slow_backfill \(\d+\.\d+ s\)\r?\n/);
      expect(stdout).not.toMatch(/… \d s\S*applied/);
      // The quick migration never got one, and no start lines as in a log.
      expect(stdout).not.toContain('0001_create_jobs …');
      expect(stdout).not.toMatch(/^applying 0001_create_jobs\r?\n/m);
      expect(await appliedVersions(db.url)).toEqual([1, 2]);
    } finally {
      await project.cleanup();
    }
  });
});

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

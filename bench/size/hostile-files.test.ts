/**
 * Hostile sizes: a 50 MB file and 100,000 tiny files. `lint`, `status` and `up` end cleanly and in
 * seconds. `npm run bench` runs this, `npm test` does not (minutes of disk and CPU, durations flake).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cli, createProject, spawnCli, type Project } from '../../test/fixtures/runner/project.js';
import { expectCleanOutput, freshDatabaseWithPassword } from '../../test/reliability/helpers.js';

const server = freshDatabaseWithPassword();

async function setup(): Promise<{ project: Project; schema: string }> {
  const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
  const project = await createProject({ config: { schema } });
  onTestFinished(() => project.cleanup());
  return { project, schema };
}

describe('size', () => {
  it('a 50 MB file: lint reports it too large to lint, status lists it, up refuses it, up --no-lint applies it', async () => {
    const { project, schema } = await setup();
    const line = `-- ${'padding '.repeat(12)}\n`;
    const padding = line.repeat(Math.ceil((50 * 1024 * 1024) / line.length));
    await project.write('0001_big.up.sql', `${padding}CREATE TABLE IF NOT EXISTS ${schema}.big (id int);\n`);
    await project.write('0001_big.down.sql', `DROP TABLE IF EXISTS ${schema}.big;\n`);

    const timings: string[] = [];
    const timed = async (args: string[], codes: number[]) => {
      const started = Date.now();
      const result = await cli(project, ['--url', server.url, ...args]);
      timings.push(`${args.join(' ')} ${Date.now() - started} ms`);
      expectCleanOutput(result, { codes });
      return result;
    };
    const lint = await timed(['lint'], [1]);
    expect(lint.stdout).toContain('the file is too large to lint (50 MB; sqlmig parses files up to 8 MB)');
    expect((await timed(['status'], [0])).stdout).toMatch(/0001\s+big\s+pending/);
    expect((await timed(['up'], [1])).stderr).toContain('too large to lint');
    await timed(['up', '--no-lint'], [0]);
    expect((await timed(['status'], [0])).stdout).toMatch(/0001\s+big\s+applied/);
    console.info(`hostile-files, 50 MB file: ${timings.join('; ')}`);
  });

  it('100,000 tiny files: lint, status and up finish in seconds with findings', async () => {
    const { project } = await setup();
    let started = Date.now();
    for (let version = 1; version <= 100_000; version++) writeFileSync(join(project.sqlDir, `${String(version).padStart(6, '0')}_m.up.sql`), 'SELECT 1;\n');
    const timings = [`writing ${Date.now() - started} ms`];
    const timed = async (args: string[], codes: number[]) => {
      started = Date.now();
      const result = await spawnCli(project, ['--url', server.url, ...args]);
      timings.push(`${args.join(' ')} ${Date.now() - started} ms`);
      expectCleanOutput(result, { codes });
      // Generous: lint took 17 s before files were read synchronously, about 4 s after.
      expect(Date.now() - started).toBeLessThan(30_000);
      return result;
    };
    // No down files: require-down is an error for every one.
    expect((await timed(['lint'], [1])).stdout).toContain('100000 files');
    expect((await timed(['status'], [0])).stdout.split('\n').filter((row) => row.includes('pending'))).toHaveLength(100_000);
    const up = await timed(['up'], [1]);
    expect(up.stderr).toContain('nothing was run: the pending migrations have 100000 lint errors');
    expect(up.stderr).toContain('… and 99980 more (`sqlmig lint` lists them all)');
    console.info(`hostile-files, 100,000 files: ${timings.join('; ')}`);
  }, 180_000);
});

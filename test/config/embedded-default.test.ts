import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/index.js';
import { SqlmigError } from '../../src/errors.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';

const MIGRATION = 'CREATE TABLE IF NOT EXISTS a (id int);\n';

/** When the embedded default (nothing names a database) is used, and when it is not. */
describe('the embedded default database', () => {
  let project: Project | undefined;
  afterEach(async () => project?.cleanup());

  it('is announced on stderr even with --quiet', { timeout: 180_000 }, async () => {
    project = await createProject();
    await project.write('0001_a.up.sql', MIGRATION);
    await project.write('0001_a.down.sql', 'DROP TABLE IF EXISTS a;\n');
    const up = await cli(project, ['up', '--no-lint', '-q']);
    expect(up.code).toBe(0);
    expect(up.stderr).toContain('using the embedded database in ./.sqlmig/pglite: no database is configured');
  });

  it('is an error with CI=true unless chosen explicitly (exit 2, NO_DATABASE), creating nothing', async () => {
    project = await createProject();
    await project.write('0001_a.up.sql', MIGRATION);
    const up = await cli(project, ['up'], { CI: 'true' });
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('no database is configured, and CI is set');
    expect(existsSync(join(project.dir, '.sqlmig'))).toBe(false);
    const explicit = await cli(project, ['current', '--url', 'pglite://memory'], { CI: 'true' });
    expect(explicit.code).toBe(0);
  });

  it('is never created by read-only commands: status, current, history, validate', { timeout: 180_000 }, async () => {
    project = await createProject();
    await project.write('0001_a.up.sql', MIGRATION);
    await project.write('0001_a.down.sql', 'DROP TABLE IF EXISTS a;\n');
    for (const command of ['status', 'current', 'history', 'validate']) {
      const result = await cli(project, [command]);
      expect(result.code, `${command}: ${result.stderr}`).toBe(0);
      expect(existsSync(join(project.dir, '.sqlmig', 'pglite')), command).toBe(false);
    }
    expect((await cli(project, ['status'])).stdout).toMatch(/0001 +a +pending/);
  });

  it("is never created by the library's migrate(): it throws NO_DATABASE", async () => {
    project = await createProject();
    await project.write('0001_a.up.sql', MIGRATION);
    const error = await migrate({ cwd: project.dir, env: {}, direction: 'up' }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SqlmigError);
    expect(error).toMatchObject({ code: 'NO_DATABASE', exitCode: 2 });
    expect(existsSync(join(project.dir, '.sqlmig'))).toBe(false);
  });
});

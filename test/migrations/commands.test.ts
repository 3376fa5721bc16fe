import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import hash from '../../src/cli/commands/hash.js';
import newCommand from '../../src/cli/commands/new.js';
import { createContext } from '../../src/cli/context.js';
import { computeSum, discoverMigrations, migrationFiles, readMigrationSources } from '../../src/migrations/index.js';
import { fakeIO } from '../helpers/io.js';
import { tempDir, writeFiles } from './helpers.js';

// The handlers with a real context (config loaded from the folder). run() is
// not used: its `import(\`./commands/${name}.js\`)` cannot be resolved by vitest.
async function project() {
  const cwd = await tempDir();
  await mkdir(join(cwd, 'sql'));
  const io = fakeIO({ cwd });
  const ctx = createContext(io, { dir: 'sql', color: false, quiet: false, verbose: false }, []);
  return { cwd, sql: join(cwd, 'sql'), io, ctx };
}

async function expectedSum(dir: string) {
  return computeSum(readMigrationSources(migrationFiles(discoverMigrations(dir))));
}

describe('sqlmig new', () => {
  it('keeps timestamp versions timestamps: the next one is the current UTC time, not the newest + 1', async () => {
    const { sql, io, ctx } = await project();
    await writeFiles(sql, { '20240131120000_init.up.sql': 'SELECT 1;\n', '20240131120000_init.down.sql': 'SELECT 1;\n' });
    const utcNow = () => Number(new Date().toISOString().slice(0, 19).replace(/\D/g, ''));
    const before = utcNow();
    expect(await newCommand(ctx, 'add widgets')).toBe(0);
    const after = utcNow();
    const version = Number(/^sql\/(\d{14})_add_widgets\.up\.sql$/m.exec(io.stdoutText())![1]);
    expect(version).toBeGreaterThanOrEqual(before);
    expect(version).toBeLessThanOrEqual(after);
  });

  it('creates the pair, prints both paths relative to the working directory and writes the sum', async () => {
    const { sql, io, ctx } = await project();
    expect(await newCommand(ctx, 'add widgets')).toBe(0);
    expect(io.stdoutText()).toBe('sql/0001_add_widgets.up.sql\nsql/0001_add_widgets.down.sql\n');
    expect(io.stderrText()).toBe('updated sql/sqlmig.sum\n');
    expect(await readFile(join(sql, 'sqlmig.sum'), 'utf8')).toBe(await expectedSum(sql));
  });
});

describe('sqlmig hash', () => {
  it('writes a new sum and says so', async () => {
    const { sql, io, ctx } = await project();
    await writeFiles(sql, { '0001_a.up.sql': 'a', '0001_a.down.sql': 'a down' });
    expect(await hash(ctx)).toBe(0);
    expect(io.stdoutText()).toBe('wrote sql/sqlmig.sum: 2 files\n(it did not exist before)\n');
    expect(io.stderrText()).toBe('');
    expect(await readFile(join(sql, 'sqlmig.sum'), 'utf8')).toBe(await expectedSum(sql));
  });

  it('lists the entries that changed', async () => {
    const { sql, io, ctx } = await project();
    await writeFiles(sql, { '0001_a.up.sql': 'a', '0002_b.up.sql': 'b' });
    await hash(createContext(fakeIO({ cwd: ctx.io.cwd }), ctx.globals, []));
    await writeFiles(sql, { '0001_a.up.sql': 'a edited', '0003_c.up.sql': 'c' });
    await rm(join(sql, '0002_b.up.sql'));

    expect(await hash(ctx)).toBe(0);
    expect(io.stdoutText()).toBe(
      'wrote sql/sqlmig.sum: 2 files\n  edited   0001_a.up.sql\n  added    0003_c.up.sql\n  removed  0002_b.up.sql\n',
    );
  });

  it('says when nothing changed', async () => {
    const { sql, io, ctx } = await project();
    await writeFiles(sql, { '0001_a.up.sql': 'a' });
    await writeFile(join(sql, 'sqlmig.sum'), await expectedSum(sql));
    expect(await hash(ctx)).toBe(0);
    expect(io.stdoutText()).toBe('wrote sql/sqlmig.sum: 1 file\nno changes\n');
  });

  it('replaces a sum with a merge conflict', async () => {
    const { sql, io, ctx } = await project();
    await writeFiles(sql, { '0001_a.up.sql': 'a', 'sqlmig.sum': '<<<<<<< HEAD\n' });
    expect(await hash(ctx)).toBe(0);
    expect(io.stdoutText()).toBe('wrote sql/sqlmig.sum: 1 file\n  added    0001_a.up.sql\n  replaced a malformed sum (1 problem)\n');
    expect(await readFile(join(sql, 'sqlmig.sum'), 'utf8')).toBe(await expectedSum(sql));
  });

  it('hashes the valid files and warns about bad names and duplicate versions', async () => {
    const { sql, io, ctx } = await project();
    await writeFiles(sql, { '0001_a.up.sql': 'a', '0001_b.up.sql': 'b', '0002-x.up.sql': 'x' });
    expect(await hash(ctx)).toBe(0);
    expect(io.stdoutText()).toBe('wrote sql/sqlmig.sum: 1 file\n(it did not exist before)\n');
    expect(io.stderrText()).toBe(
      'warning: sql/0001_b.up.sql: "0001_b.up.sql" and "0001_a.up.sql" both have version 1\n' +
        'hint: two branches probably added the same version: renumber one migration (both its files) to an unused version such as 0002, then run `sqlmig hash`\n' +
        'warning: sql/0002-x.up.sql: "0002-x.up.sql" is not a valid migration file name: the version must be followed by "_", not "-"\n' +
        'hint: rename it to 0002_x.up.sql\n',
    );
  });

  it('fails with exit code 2 (ConfigError) when the folder is missing', async () => {
    const cwd = await tempDir();
    const ctx = createContext(fakeIO({ cwd }), { dir: 'sql', color: false, quiet: false, verbose: false }, []);
    await expect(hash(ctx)).rejects.toMatchObject({ exitCode: 2, message: 'the migrations folder does not exist' });
  });
});

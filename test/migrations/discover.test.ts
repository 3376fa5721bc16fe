import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../config/helpers.js';
import { ConfigError } from '../../src/errors.js';
import { discoverMigrations, migrationFiles } from '../../src/migrations/index.js';
import { listFolder } from '../../src/migrations/layouts/folder.js';
import type { MigrationSet } from '../../src/migrations/index.js';
import { folderWith, tempDir } from './helpers.js';

/** The set with paths shown relative to its folder, for exact comparisons. */
function summary(set: MigrationSet) {
  const relative = (path: string) => path.slice(set.dir.length + 1);
  return {
    migrations: set.migrations.map((m) => `${m.version} ${m.name} up=${m.up?.fileName ?? '-'} down=${m.down?.fileName ?? '-'}`),
    problems: set.problems.map((p) => ({ ...p, path: relative(p.path) })),
  };
}

describe('discoverMigrations', () => {
  it('reuses a listing of the folder taken before, unless a file was added, removed or renamed since', async () => {
    const dir = await folderWith('0001_one.up.sql', '0001_one.down.sql');
    const listing = listFolder(dir);
    // A listing is only ever the folder's own: this one names a file that is not there, to show it is used.
    const marked = { ...listing, files: [...listing.files, '0002_listed.up.sql'] };
    expect(summary(discoverMigrations(dir, marked)).migrations).toEqual(['1 one up=0001_one.up.sql down=0001_one.down.sql', '2 listed up=0002_listed.up.sql down=-']);
    await writeFile(join(dir, '0003_added.up.sql'), 'SELECT 1;');
    expect(summary(discoverMigrations(dir, marked)).migrations).toEqual(['1 one up=0001_one.up.sql down=0001_one.down.sql', '3 added up=0003_added.up.sql down=-']);
  });

  it('pairs up and down files and sorts by version numerically', async () => {
    const dir = await folderWith(
      '10_ten.up.sql',
      '10_ten.down.sql',
      '0002_two.up.sql',
      '0002_two.down.sql',
      '9_nine.up.sql',
      '0001_one.up.sql',
      '0001_one.down.sql',
    );
    const set = discoverMigrations(dir);
    expect(set.dir).toBe(dir);
    expect(summary(set)).toEqual({
      migrations: [
        '1 one up=0001_one.up.sql down=0001_one.down.sql',
        '2 two up=0002_two.up.sql down=0002_two.down.sql',
        '9 nine up=9_nine.up.sql down=-',
        '10 ten up=10_ten.up.sql down=10_ten.down.sql',
      ],
      problems: [],
    });
    expect(set.migrations[0]!.up).toEqual({
      version: 1,
      name: 'one',
      direction: 'up',
      fileName: '0001_one.up.sql',
      path: join(dir, '0001_one.up.sql'),
    });
    expect(migrationFiles(set).map((f) => f.fileName)).toEqual([
      '0001_one.up.sql',
      '0001_one.down.sql',
      '0002_two.up.sql',
      '0002_two.down.sql',
      '9_nine.up.sql',
      '10_ten.up.sql',
      '10_ten.down.sql',
    ]);
  });

  it('reports badly named .sql files and ignores other files, dot files and subfolders', async () => {
    const dir = await folderWith(
      '0001_one.up.sql',
      '0002_Two.up.SQL',
      'notes.sql',
      '0003_three.up',
      'sqlmig.sum',
      'README.md',
      '0001_one.up.sql.bak',
      '.0004_hidden.up.sql',
    );
    await mkdir(join(dir, 'archive'));
    await writeFile(join(dir, 'archive', '0009_old.up.sql'), '');
    const set = discoverMigrations(dir);
    expect(summary(set)).toEqual({
      migrations: ['1 one up=0001_one.up.sql down=-'],
      problems: [
        {
          kind: 'bad-name',
          path: '0002_Two.up.SQL',
          message:
            '"0002_Two.up.SQL" is not a valid migration file name: the extension must be lowercase ".sql", not ".SQL"; uppercase letters in the description',
          hint: 'rename it to 0002_two.up.sql',
        },
        {
          kind: 'bad-name',
          path: '0003_three.up',
          message: '"0003_three.up" is not a valid migration file name: missing the ".sql" extension',
          hint: 'rename it to 0003_three.up.sql',
        },
        {
          kind: 'bad-name',
          path: 'notes.sql',
          message:
            '"notes.sql" is not a valid migration file name: missing ".up" or ".down" before ".sql"; no version: the name must start with a number, e.g. "0001_"',
          hint: 'rename it to NNNN_notes.up.sql, with NNNN the next free version',
        },
      ],
    });
  });

  it('reports two up files with one version (a merge of two branches), naming both', async () => {
    const dir = await folderWith('0007_a.up.sql', '0007_a.down.sql', '0007_b.up.sql', '0007_b.down.sql', '0008_c.up.sql');
    const set = discoverMigrations(dir);
    expect(summary(set)).toEqual({
      migrations: ['7 a up=0007_a.up.sql down=0007_a.down.sql', '8 c up=0008_c.up.sql down=-'],
      problems: [
        {
          kind: 'duplicate-version',
          path: '0007_b.down.sql',
          message: '"0007_b.down.sql" and "0007_a.down.sql" both have version 7',
          hint: 'two branches probably added the same version: renumber one migration (both its files) to an unused version such as 0009, then run `sqlmig hash`',
        },
        {
          kind: 'duplicate-version',
          path: '0007_b.up.sql',
          message: '"0007_b.up.sql" and "0007_a.up.sql" both have version 7',
          hint: 'two branches probably added the same version: renumber one migration (both its files) to an unused version such as 0009, then run `sqlmig hash`',
        },
      ],
    });
  });

  it('treats 007_a and 0007_a as one version claimed twice', async () => {
    const set = discoverMigrations(await folderWith('007_a.up.sql', '0007_a.up.sql'));
    expect(summary(set).migrations).toEqual(['7 a up=0007_a.up.sql down=-']);
    expect(summary(set).problems.map((p) => [p.kind, p.path, p.message])).toEqual([
      ['duplicate-version', '007_a.up.sql', '"007_a.up.sql" and "0007_a.up.sql" both have version 7'],
    ]);
  });

  it('reports a down file whose name differs from the up file of its version', async () => {
    const set = discoverMigrations(await folderWith('0003_add_x.up.sql', '0003_add_y.down.sql'));
    expect(summary(set)).toEqual({
      migrations: ['3 add_x up=0003_add_x.up.sql down=-'],
      problems: [
        {
          kind: 'duplicate-version',
          path: '0003_add_y.down.sql',
          message: '"0003_add_y.down.sql" has version 3 like "0003_add_x.up.sql" but a different name',
          hint: 'if it belongs to "0003_add_x.up.sql", rename it to "0003_add_x.down.sql"; otherwise give it an unused version such as 0004',
        },
      ],
    });
  });

  it('keeps a down file without an up file and reports it as orphan-down', async () => {
    const set = discoverMigrations(await folderWith('0001_a.up.sql', '0002_b.down.sql'));
    expect(summary(set)).toEqual({
      migrations: ['1 a up=0001_a.up.sql down=-', '2 b up=- down=0002_b.down.sql'],
      problems: [
        {
          kind: 'orphan-down',
          path: '0002_b.down.sql',
          message: '"0002_b.down.sql" has no up file "0002_b.up.sql"',
          hint: 'add the up file, or delete this down file if its migration was removed',
        },
      ],
    });
  });

  it('follows symbolic links to files and reports broken ones', async () => {
    const dir = await folderWith('0001_a.up.sql');
    const elsewhere = await folderWith('shared.sql');
    await symlink(join(elsewhere, 'shared.sql'), join(dir, '0001_a.down.sql'));
    await symlink(join(dir, 'gone.sql'), join(dir, '0002_b.up.sql'));
    const set = discoverMigrations(dir);
    expect(summary(set)).toEqual({
      migrations: ['1 a up=0001_a.up.sql down=0001_a.down.sql'],
      problems: [
        {
          kind: 'broken-symlink',
          path: '0002_b.up.sql',
          message: `"0002_b.up.sql" is a symbolic link to "${join(dir, 'gone.sql')}", which does not exist or cannot be reached`,
          hint: 'fix the link or remove it',
        },
      ],
    });
  });

  it('returns an empty set for an empty folder', async () => {
    const dir = await tempDir();
    expect(discoverMigrations(dir)).toEqual({ dir, migrations: [], problems: [], mismatched: [] });
  });

  it('refuses a missing folder with a ConfigError (exit 2) that suggests sqlmig init', async () => {
    const dir = join(await tempDir(), 'sql');
    const error = await errorOf(() => discoverMigrations(dir));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      exitCode: 2,
      message: 'the migrations folder does not exist',
      location: { file: dir },
      hint: 'run `sqlmig init` to create it, or point "dir" in .migraterc.json (or --dir) at your migrations',
    });
  });

  it('refuses a path that is a file', async () => {
    const dir = await folderWith('sql');
    const error = await errorOf(() => discoverMigrations(join(dir, 'sql')));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ message: 'the migrations folder is a file, not a folder', location: { file: join(dir, 'sql') } });
  });

  it('resolves a relative folder against the working directory', async () => {
    const set = discoverMigrations('test/migrations');
    expect(set.dir).toBe(join(process.cwd(), 'test/migrations'));
  });
});

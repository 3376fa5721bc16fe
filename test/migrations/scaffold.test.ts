import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/errors.js';
import {
  compareSum,
  computeSum,
  createMigration,
  discoverMigrations,
  migrationFiles,
  migrationSlug,
  parseDirectives,
  readMigrationSources,
  readSumFile,
} from '../../src/migrations/index.js';
import { folderWith, tempDir, writeFiles } from './helpers.js';

const newFiles = async (dir: string, description: string, now?: Date) => {
  const created = await createMigration(dir, description, { now });
  return [created.up, created.down].map((path) => path.slice(dir.length + 1));
};

describe('createMigration', () => {
  it('creates 0001 in an empty folder, with SOP templates and a sum', async () => {
    const dir = await tempDir();
    const created = await createMigration(dir, 'Add widgets');
    expect(created).toEqual({
      up: join(dir, '0001_add_widgets.up.sql'),
      down: join(dir, '0001_add_widgets.down.sql'),
      sum: join(dir, 'sqlmig.sum'),
    });
    expect((await readdir(dir)).sort()).toEqual(['0001_add_widgets.down.sql', '0001_add_widgets.up.sql', 'sqlmig.sum']);

    const up = await readFile(created.up, 'utf8');
    const down = await readFile(created.down, 'utf8');
    expect(up.split('\n')[0]).toBe('-- 0001_add_widgets.up.sql: Add widgets');
    expect(up).toContain('IF NOT EXISTS');
    expect(up).toContain('backfill it, then ALTER COLUMN ... SET NOT NULL');
    expect(up).toContain('CREATE INDEX CONCURRENTLY goes in a migration of its own');
    expect(up).toContain('"-- sqlmig:no-transaction"');
    expect(up).toContain('Create parent tables before');
    expect(down.split('\n')[0]).toBe('-- 0001_add_widgets.down.sql: reverts 0001_add_widgets.up.sql');
    expect(down).toContain('DROP TABLE IF EXISTS');
    expect(down).toContain('Drop child tables (those with foreign keys) before their parents');
    for (const text of [up, down]) {
      // Comments only: an untouched pair runs nothing and carries no directive.
      expect(text.split('\n').filter((line) => line !== '' && !line.startsWith('--'))).toEqual([]);
      expect(parseDirectives(text)).toEqual({ noTransaction: false, unknown: [], misplaced: [] });
    }

    const sources = readMigrationSources(migrationFiles(discoverMigrations(dir)));
    expect(await readFile(created.sum, 'utf8')).toBe(computeSum(await sources));
  });

  it('takes the next version after the highest one', async () => {
    const dir = await folderWith('0001_a.up.sql', '0003_c.up.sql', '0002_b.up.sql', '0004_d.down.sql');
    expect(await newFiles(dir, 'next')).toEqual(['0005_next.up.sql', '0005_next.down.sql']);
    expect(await newFiles(dir, 'after that')).toEqual(['0006_after_that.up.sql', '0006_after_that.down.sql']);
  });

  it('pads to 4 digits even when existing files are narrower', async () => {
    expect(await newFiles(await folderWith('1_init.up.sql'), 'x')).toEqual(['0002_x.up.sql', '0002_x.down.sql']);
  });

  it('numbers by the current UTC time when the newest version is a timestamp (YYYYMMDDHHMMSS)', async () => {
    const dir = await folderWith('20240131120000_init.up.sql', '20240131120000_init.down.sql');
    const now = new Date('2026-12-06T02:50:07.123Z');
    expect(await newFiles(dir, 'x', now)).toEqual(['20261206025007_x.up.sql', '20261206025007_x.down.sql']);
    // Within the same second, or with a clock behind the newest version: still above it.
    expect(await newFiles(dir, 'y', now)).toEqual(['20261206025008_y.up.sql', '20261206025008_y.down.sql']);
    expect(await newFiles(dir, 'z', new Date('2020-01-01T00:00:00Z'))).toEqual(['20261206025009_z.up.sql', '20261206025009_z.down.sql']);
  });

  it('counts on from 14-digit versions that are not timestamps, and from sequences after timestamps', async () => {
    const now = new Date('2026-12-06T02:50:07Z');
    expect(await newFiles(await folderWith('00000000000041_a.up.sql'), 'x', now)).toEqual(['00000000000042_x.up.sql', '00000000000042_x.down.sql']);
    expect(await newFiles(await folderWith('20241399120000_a.up.sql'), 'x', now)).toEqual(['20241399120001_x.up.sql', '20241399120001_x.down.sql']);
  });

  it('keeps the width of wider versions', async () => {
    expect(await newFiles(await folderWith('0001_a.up.sql', '000010_b.up.sql'), 'x')).toEqual([
      '000011_x.up.sql',
      '000011_x.down.sql',
    ]);
  });

  it('adds only the new files to an existing sum and never records other edits', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '0001_a.up.sql': 'a', '0001_a.down.sql': 'a down' });
    await createMigration(dir, 'b');
    await writeFile(join(dir, '0001_a.up.sql'), 'a edited after it was applied');
    await writeFile(join(dir, '0003_stray.up.sql'), 'never hashed');
    const created = await createMigration(dir, 'c');

    expect(created.up).toBe(join(dir, '0004_c.up.sql'));
    const sum = (readSumFile(dir))!;
    expect([...sum.entries.keys()]).toEqual([
      '0001_a.up.sql',
      '0001_a.down.sql',
      '0002_b.up.sql',
      '0002_b.down.sql',
      '0004_c.up.sql',
      '0004_c.down.sql',
    ]);
    const sources = readMigrationSources(migrationFiles(discoverMigrations(dir)));
    expect(compareSum(sum, sources)).toEqual({
      edited: ['0001_a.up.sql'],
      added: ['0003_stray.up.sql'],
      removed: [],
      totalMismatch: true,
    });
  });

  it('replaces the stale entry of a deleted file that had the new name', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '0001_a.up.sql': 'a' });
    await createMigration(dir, 'b');
    await rm(join(dir, '0002_b.up.sql'));
    await rm(join(dir, '0002_b.down.sql'));
    await createMigration(dir, 'b');

    const sources = readMigrationSources(migrationFiles(discoverMigrations(dir)));
    expect(await readFile(join(dir, 'sqlmig.sum'), 'utf8')).toBe(computeSum(sources));
  });

  it('refuses a malformed sum and creates nothing', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '0001_a.up.sql': 'a', 'sqlmig.sum': '<<<<<<< HEAD\n' });
    const error = await createMigration(dir, 'b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      exitCode: 2,
      message: 'cannot add the new files to sqlmig.sum: unresolved merge conflict (git conflict markers)',
      location: { file: join(dir, 'sqlmig.sum'), line: 1 },
    });
    expect((await readdir(dir)).sort()).toEqual(['0001_a.up.sql', 'sqlmig.sum']);
  });

  it('refuses a missing folder with a ConfigError that suggests sqlmig init', async () => {
    const dir = join(await tempDir(), 'sql');
    await expect(createMigration(dir, 'x')).rejects.toMatchObject({
      exitCode: 2,
      message: 'the migrations folder does not exist',
      hint: expect.stringContaining('sqlmig init'),
    });
  });

  it('refuses a description without letters or digits', async () => {
    const error = await createMigration(await tempDir(), ' --- ').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ exitCode: 2, message: 'the description must contain letters or digits' });
  });

  it('keeps a multi-line description on the header line only', async () => {
    const dir = await tempDir();
    const created = await createMigration(dir, 'add x\nDROP TABLE users;');
    expect(created.up).toBe(join(dir, '0001_add_x_drop_table_users.up.sql'));
    expect((await readFile(created.up, 'utf8')).split('\n')[0]).toBe(
      '-- 0001_add_x_drop_table_users.up.sql: add x DROP TABLE users;',
    );
  });
});

describe('migrationSlug', () => {
  it.each([
    ['Add status to users', 'add_status_to_users'],
    ['add status-column (users)', 'add_status_column_users'],
    // 60 characters cut inside "characters": back to the previous word.
    [
      'add a very long description that goes on and on for more than sixty characters',
      'add_a_very_long_description_that_goes_on_and_on_for_more',
    ],
    // A cut that lands exactly on a word boundary keeps the whole word.
    ['a'.repeat(30) + ' ' + 'b'.repeat(29) + ' tail', 'a'.repeat(30) + '_' + 'b'.repeat(29)],
    // One word longer than the limit is cut hard.
    ['x'.repeat(70), 'x'.repeat(60)],
  ])('%j → %j', (description, slug) => {
    expect(migrationSlug(description)).toBe(slug);
  });
});

import { createHash } from 'node:crypto';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../config/helpers.js';
import { FileError } from '../../src/errors.js';
import { discoverMigrations, migrationFiles, readMigrationSource, readMigrationSources } from '../../src/migrations/index.js';
import type { MigrationFile } from '../../src/migrations/index.js';
import { tempDir, writeFiles } from './helpers.js';

function fileIn(dir: string, fileName: string): MigrationFile {
  return { version: 1, name: 'a', direction: 'up', fileName, path: join(dir, fileName) };
}

const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('readMigrationSource', () => {
  it('returns text, checksum of the raw bytes and directives', async () => {
    const dir = await tempDir();
    const content = '-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);\n';
    await writeFiles(dir, { '0001_a.up.sql': content });
    const file = fileIn(dir, '0001_a.up.sql');
    expect(readMigrationSource(file)).toEqual({
      file,
      text: content,
      checksum: sha256(content),
      validUtf8: true,
      directives: { noTransaction: true, unknown: [], misplaced: [] },
      size: Buffer.byteLength(content),
    });
  });

  it('reads an empty file and a large one whole', async () => {
    const dir = await tempDir();
    const large = `${'INSERT INTO t VALUES (1);\n'.repeat(40_000)}-- end\n`; // about 1 MB: past the buffer pool
    await writeFiles(dir, { '0001_a.up.sql': '', '0002_b.up.sql': large });
    const [empty, whole] = [readMigrationSource(fileIn(dir, '0001_a.up.sql')), readMigrationSource(fileIn(dir, '0002_b.up.sql'))];
    expect([empty.text, empty.checksum]).toEqual(['', sha256('')]);
    expect(whole.text).toBe(large);
    expect(whole.checksum).toBe(sha256(large));
  });

  it('strips a BOM from the text but hashes it', async () => {
    const dir = await tempDir();
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('-- sqlmig:no-transaction\nVACUUM;\n')]);
    await writeFiles(dir, { '0001_a.up.sql': bytes });
    const source = readMigrationSource(fileIn(dir, '0001_a.up.sql'));
    expect(source.text).toBe('-- sqlmig:no-transaction\nVACUUM;\n');
    expect(source.checksum).toBe(sha256(bytes));
    expect(source.validUtf8).toBe(true);
    expect(source.directives.noTransaction).toBe(true);
  });

  it('marks invalid UTF-8 and decodes it with replacement characters', async () => {
    const dir = await tempDir();
    // "café" in Latin-1: 0xE9 is not valid UTF-8 on its own.
    const bytes = Buffer.from([0x2d, 0x2d, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a]);
    await writeFiles(dir, { '0001_a.up.sql': bytes });
    const source = readMigrationSource(fileIn(dir, '0001_a.up.sql'));
    expect(source.validUtf8).toBe(false);
    expect(source.text).toBe('-- caf\uFFFD\n');
    expect(source.checksum).toBe(sha256(bytes));
  });

  it('throws a FileError (exit 2) naming a file that vanished after discovery', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '0001_a.up.sql': 'SELECT 1;' });
    const [file] = migrationFiles(discoverMigrations(dir));
    await rm(file!.path);
    const error = await errorOf(() => readMigrationSource(file!));
    expect(error).toBeInstanceOf(FileError);
    expect(error).toMatchObject({
      exitCode: 2,
      message: 'cannot read the migration file: it does not exist (deleted or renamed while sqlmig was running?)',
      location: { file: file!.path },
    });
  });

  it('throws a FileError for a folder named like a migration', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '0001_a.up.sql'));
    const error = await errorOf(() => readMigrationSource(fileIn(dir, '0001_a.up.sql')));
    expect(error).toBeInstanceOf(FileError);
    expect(error).toMatchObject({
      message: 'cannot read the migration file: it is a folder, not a file',
      location: { file: join(dir, '0001_a.up.sql') },
    });
  });

  it('throws a FileError for a broken symbolic link', async () => {
    const dir = await tempDir();
    await symlink(join(dir, 'missing.sql'), join(dir, '0001_a.up.sql'));
    expect(() => readMigrationSource(fileIn(dir, '0001_a.up.sql'))).toThrow(FileError);
  });
});

describe('readMigrationSources', () => {
  it('reads many files and keeps their order', async () => {
    const dir = await tempDir();
    const names = Array.from({ length: 50 }, (_, i) => `${String(i + 1).padStart(4, '0')}_m.up.sql`);
    await writeFiles(dir, Object.fromEntries(names.map((name) => [name, `-- ${name}\n`])));
    const sources = readMigrationSources(names.map((name) => fileIn(dir, name)));
    expect(sources.map((source) => source.text)).toEqual(names.map((name) => `-- ${name}\n`));
  });

  it('returns an empty list for no files', async () => {
    expect(readMigrationSources([])).toEqual([]);
  });

  it('rejects with the FileError of an unreadable file', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '0001_a.up.sql': '' });
    expect(await errorOf(() => readMigrationSources([fileIn(dir, '0001_a.up.sql'), fileIn(dir, '0002_b.up.sql')]))).toMatchObject({
      location: { file: join(dir, '0002_b.up.sql') },
    });
  });
});

/**
 * Checksums reused between runs only while a file's inode, size, mtime and
 * ctime prove it unchanged. Files written moments ago are never recorded,
 * so most tests move the clock (Date only) a minute ahead to make them old.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appendCacheFile, digestFiles, openCacheFile, readCacheFile, readSourcesOnce, writeCacheFile } from '../../src/migrations/checksum-cache.js';
import { discoverMigrations, migrationFiles } from '../../src/migrations/index.js';
import { tempDir, writeFiles } from './helpers.js';

const UP = '0001_create_users.up.sql';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

afterEach(() => {
  vi.useRealTimers();
});

async function project(files: Record<string, string> = { [UP]: 'CREATE TABLE a ();\n' }) {
  const root = await tempDir();
  const dir = join(root, 'sql');
  await mkdir(dir);
  await writeFiles(dir, files);
  return { dir, cacheDir: join(root, '.sqlmig', 'cache') };
}

/** One run as lint does it (every file), or as the runner does (`upOnly`). */
async function digestRun(dir: string, cacheDir: string, options: { upOnly?: boolean } = {}) {
  const set = discoverMigrations(dir);
  const files = migrationFiles(set).filter((file) => !options.upOnly || file.direction === 'up');
  const result = digestFiles(set, files, cacheDir);
  return { ...result, checksums: Object.fromEntries(result.digests.map((d) => [d.file.fileName, d.checksum])) };
}

const storedNames = (cacheDir: string) =>
  Object.keys((JSON.parse(readFileSync(join(cacheDir, 'checksums.json'), 'utf8')) as { files: object }).files).sort();

function clockAhead(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 60_000);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('checksum cache', () => {
  it('reuses the checksum of an unchanged file without reading it', async () => {
    const { dir, cacheDir } = await project();
    clockAhead();
    const first = await digestRun(dir, cacheDir);
    expect([...first.read.keys()]).toEqual([join(dir, UP)]);
    const second = await digestRun(dir, cacheDir);
    expect(second.read.size).toBe(0);
    expect(second.checksums[UP]).toBe(sha256('CREATE TABLE a ();\n'));
  });

  it('reads a file again after an edit that keeps its size and mtime (ctime changed)', async () => {
    const { dir, cacheDir } = await project();
    const path = join(dir, UP);
    const wholeSecond = Math.floor(Date.now() / 1000) - 3600; // an mtime that can be set again exactly
    utimesSync(path, wholeSecond, wholeSecond);
    clockAhead();
    await digestRun(dir, cacheDir);
    await sleep(30); // past the file system's timestamp tick
    writeFileSync(path, 'CREATE TABLE b ();\n'); // same length
    utimesSync(path, wholeSecond, wholeSecond);
    expect(statSync(path).mtimeMs).toBe(wholeSecond * 1000);
    const after = await digestRun(dir, cacheDir);
    expect([...after.read.keys()]).toEqual([path]);
    expect(after.checksums[UP]).toBe(sha256('CREATE TABLE b ();\n'));
  });

  it('does not record a file written moments ago: a write in the same timestamp tick could go unseen', async () => {
    const { dir, cacheDir } = await project();
    await digestRun(dir, cacheDir);
    const second = await digestRun(dir, cacheDir);
    expect([...second.read.keys()]).toEqual([join(dir, UP)]);
  });

  it('trusts a recorded entry while the stats match: a wrong checksum in it is what comes back', async () => {
    const { dir, cacheDir } = await project();
    clockAhead();
    await digestRun(dir, cacheDir);
    const file = join(cacheDir, 'checksums.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { files: Record<string, unknown[]> };
    stored.files[UP]![4] = 'f'.repeat(64);
    writeFileSync(file, JSON.stringify(stored));
    expect((await digestRun(dir, cacheDir)).checksums[UP]).toBe('f'.repeat(64));
  });

  it('ignores a corrupt cache file and one written for another folder, and drops entries of removed files', async () => {
    const { dir, cacheDir } = await project({ [UP]: 'CREATE TABLE a ();\n', '0002_b.up.sql': 'SELECT 1;\n' });
    clockAhead();
    await digestRun(dir, cacheDir);
    const file = join(cacheDir, 'checksums.json');
    const stored = readFileSync(file, 'utf8');

    writeFileSync(file, '{"format": 1, "files": [');
    expect((await digestRun(dir, cacheDir)).read.size).toBe(2);

    writeFileSync(file, stored.replace(JSON.stringify(dir), JSON.stringify(`${dir}-elsewhere`)));
    expect((await digestRun(dir, cacheDir)).read.size).toBe(2);

    await rm(join(dir, '0002_b.up.sql'));
    await digestRun(dir, cacheDir);
    expect(storedNames(cacheDir)).toEqual([UP]);
  });

  it('keeps the entries of files a run did not look up (the runner reads only up files)', async () => {
    const { dir, cacheDir } = await project({ [UP]: 'CREATE TABLE a ();\n', '0001_create_users.down.sql': 'DROP TABLE a;\n' });
    clockAhead();
    await digestRun(dir, cacheDir);
    expect((await digestRun(dir, cacheDir, { upOnly: true })).read.size).toBe(0);
    expect(storedNames(cacheDir)).toEqual(['0001_create_users.down.sql', UP]);
    expect((await digestRun(dir, cacheDir)).read.size).toBe(0);
  });

  it('readSourcesOnce reads only the files not read yet', async () => {
    const { dir, cacheDir } = await project({ [UP]: 'CREATE TABLE a ();\n', '0002_b.up.sql': 'SELECT 1;\n' });
    clockAhead();
    await digestRun(dir, cacheDir);
    writeFileSync(join(dir, '0002_b.up.sql'), 'SELECT 2;\n');
    const run = await digestRun(dir, cacheDir);
    const alreadyRead = run.read.get(join(dir, '0002_b.up.sql'))!;
    const sources = readSourcesOnce(run.digests.map((d) => d.file), run.read);
    expect(sources.map((s) => s.text)).toEqual(['CREATE TABLE a ();\n', 'SELECT 2;\n']);
    expect(sources[1]).toBe(alreadyRead);
  });

  it('a file read after its lookup found it unchanged takes the recorded checksum; one written since is hashed again', async () => {
    const { dir, cacheDir } = await project({ [UP]: 'CREATE TABLE a ();\n', '0002_b.up.sql': 'SELECT 1;\n' });
    clockAhead();
    await digestRun(dir, cacheDir);
    // A recorded checksum no hash of the file gives: seen only if the read takes it from the cache.
    const stored = JSON.parse(readFileSync(join(cacheDir, 'checksums.json'), 'utf8')) as { files: Record<string, unknown[]> };
    stored.files[UP]![4] = 'f'.repeat(64);
    writeFileSync(join(cacheDir, 'checksums.json'), JSON.stringify(stored));
    const run = await digestRun(dir, cacheDir);
    expect(run.read.size).toBe(0);
    writeFileSync(join(dir, '0002_b.up.sql'), 'SELECT 2;\n'); // after the lookup, before the read
    const sources = readSourcesOnce(run.digests.map((d) => d.file), run.read);
    expect(sources.map((s) => s.checksum)).toEqual(['f'.repeat(64), sha256('SELECT 2;\n')]);
  });
});

describe('cache files', () => {
  it('are written in pieces and put in place whole', async () => {
    const cacheDir = join(await tempDir(), 'cache');
    const file = openCacheFile(cacheDir, 'big.txt');
    const piece = `${'x'.repeat(999)}\n`;
    for (let i = 0; i < 3000; i++) file.write(piece); // about 3 MB: several pieces
    expect(existsSync(join(cacheDir, 'big.txt'))).toBe(false); // not before commit
    file.commit();
    expect(readFileSync(join(cacheDir, 'big.txt'), 'utf8')).toBe(piece.repeat(3000));
    expect(readdirSync(cacheDir).sort()).toEqual(['.gitignore', 'big.txt']);
  });

  it('are written ASCII only, characters beyond it escaped, and read back the same; one in UTF-8 (an earlier build) too', async () => {
    const cacheDir = join(await tempDir(), 'cache');
    const value = { text: 'пользователи … ’ 😀 é', plain: 'x' };
    writeCacheFile(cacheDir, 'value.json', JSON.stringify(value));
    appendCacheFile(join(cacheDir, 'value.json'), `\n${JSON.stringify(value)}`);
    const bytes = readFileSync(join(cacheDir, 'value.json'));
    expect(bytes.every((byte) => byte < 0x80)).toBe(true);
    expect(readCacheFile(join(cacheDir, 'value.json')).split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([value, value]);
    writeFileSync(join(cacheDir, 'old.json'), JSON.stringify(value)); // as builds before this one wrote it
    expect(JSON.parse(readCacheFile(join(cacheDir, 'old.json')))).toEqual(value);
  });

  it('escape the pieces that need it wherever they fall: between others, across a chunk, larger than one', async () => {
    const cacheDir = join(await tempDir(), 'cache');
    const file = openCacheFile(cacheDir, 'lines.jsonl');
    const values: Array<{ i: number; text: string }> = [];
    for (let i = 0; i < 3000; i++) values.push({ i, text: (i % 7 === 0 ? 'é … 😀 ' : 'plain ').repeat(150) });
    values.push({ i: 3000, text: 'ж'.repeat(1 << 20) }, { i: 3001, text: 'y'.repeat(1 << 20) }); // each more than a chunk holds
    for (const value of values) {
      file.write(JSON.stringify(value));
      file.write('\n');
    }
    file.commit();
    const bytes = readFileSync(join(cacheDir, 'lines.jsonl'));
    expect(bytes.every((byte) => byte < 0x80)).toBe(true);
    const lines = readCacheFile(join(cacheDir, 'lines.jsonl')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(values);
  });

  it('one that cannot be put in place leaves nothing aside and throws nothing; abort drops it', async () => {
    const cacheDir = join(await tempDir(), 'cache');
    mkdirSync(join(cacheDir, 'taken.txt'), { recursive: true }); // a folder where the file would go
    const blocked = openCacheFile(cacheDir, 'taken.txt');
    blocked.write('x'.repeat(3 << 20));
    blocked.commit();
    const dropped = openCacheFile(cacheDir, 'dropped.txt');
    dropped.write('x'.repeat(3 << 20));
    dropped.abort();
    dropped.commit(); // after abort: nothing
    expect(readdirSync(cacheDir).sort()).toEqual(['.gitignore', 'taken.txt']);
    expect(statSync(join(cacheDir, 'taken.txt')).isDirectory()).toBe(true);
  });
});

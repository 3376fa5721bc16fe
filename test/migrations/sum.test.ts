import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compareSum,
  computeSum,
  discoverMigrations,
  migrationFiles,
  readMigrationSources,
  readSumFile,
  writeSumFile,
} from '../../src/migrations/index.js';
import type { ChecksummedFile, SumFile } from '../../src/migrations/index.js';
import { tempDir, writeFiles } from './helpers.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const entry = (fileName: string, content: string): ChecksummedFile => ({ file: { fileName }, checksum: sha256(content) });

async function sourcesOf(dir: string) {
  return readMigrationSources(migrationFiles(discoverMigrations(dir)));
}

describe('computeSum', () => {
  it('writes a total over the entry lines, then one line per file in version order, up before down', () => {
    const files = [
      entry('10_c.up.sql', 'c'),
      entry('0002_b.down.sql', 'b-down'),
      entry('0002_b.up.sql', 'b-up'),
      entry('0001_a.up.sql', 'a'),
    ];
    const body =
      `${sha256('a')}  0001_a.up.sql\n` +
      `${sha256('b-up')}  0002_b.up.sql\n` +
      `${sha256('b-down')}  0002_b.down.sql\n` +
      `${sha256('c')}  10_c.up.sql\n`;
    expect(computeSum(files)).toBe(`total ${sha256(body)}\n${body}`);
  });

  it('gives an empty folder a total of the empty string', () => {
    expect(computeSum([])).toBe(`total ${sha256('')}\n`);
  });

  it('changes the total for every added migration, so two branches adding 0007 conflict on line 1', () => {
    const base = [entry('0001_a.up.sql', 'a')];
    const ours = computeSum([...base, entry('0007_ours.up.sql', 'x')]);
    const theirs = computeSum([...base, entry('0007_theirs.up.sql', 'x')]);
    expect(ours.split('\n')[0]).not.toBe(theirs.split('\n')[0]);
    expect(ours.split('\n')[0]).not.toBe(computeSum(base).split('\n')[0]);
  });
});

describe('sum file round trip', () => {
  it('writes, reads back and compares clean', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '0001_a.up.sql': 'CREATE TABLE a ();', '0001_a.down.sql': 'DROP TABLE a;' });
    const sources = await sourcesOf(dir);
    const path = writeSumFile(dir, sources);
    expect(path).toBe(join(dir, 'sqlmig.sum'));
    expect(await readFile(path, 'utf8')).toBe(computeSum(sources));

    const sum = readSumFile(dir);
    expect(sum).toEqual({
      path,
      entries: new Map([
        ['0001_a.up.sql', sha256('CREATE TABLE a ();')],
        ['0001_a.down.sql', sha256('DROP TABLE a;')],
      ]),
      total: computeSum(sources).slice('total '.length, 'total '.length + 64),
      problems: [],
    });
    expect(compareSum(sum!, sources)).toEqual({ edited: [], added: [], removed: [], totalMismatch: false });
  });

  it('returns null when there is no sum file', async () => {
    expect(readSumFile(await tempDir())).toBeNull();
  });

  it('detects edited, added and removed files', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '0001_a.up.sql': 'a', '0002_b.up.sql': 'b', '0003_c.up.sql': 'c' });
    writeSumFile(dir, await sourcesOf(dir));

    await writeFile(join(dir, '0002_b.up.sql'), 'b edited');
    await writeFile(join(dir, '0004_d.up.sql'), 'd');
    await writeFile(join(dir, '0001_a.down.sql'), 'a down');
    await rm(join(dir, '0003_c.up.sql'));

    expect(compareSum((readSumFile(dir))!, await sourcesOf(dir))).toEqual({
      edited: ['0002_b.up.sql'],
      added: ['0001_a.down.sql', '0004_d.up.sql'],
      removed: ['0003_c.up.sql'],
      totalMismatch: true,
    });
  });

  it('notices a sum whose entries match but whose total was not recomputed', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '0001_a.up.sql': 'a' });
    const sources = await sourcesOf(dir);
    await writeFile(join(dir, 'sqlmig.sum'), `total ${'0'.repeat(64)}\n${sha256('a')}  0001_a.up.sql\n`);
    expect(compareSum((readSumFile(dir))!, sources)).toEqual({
      edited: [],
      added: [],
      removed: [],
      totalMismatch: true,
    });
  });

  it('accepts Windows line endings', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { '0001_a.up.sql': 'a' });
    const sources = await sourcesOf(dir);
    await writeFile(join(dir, 'sqlmig.sum'), computeSum(sources).replaceAll('\n', '\r\n'));
    const sum = (readSumFile(dir))!;
    expect(sum.problems).toEqual([]);
    expect(compareSum(sum, sources).totalMismatch).toBe(false);
  });
});

describe('malformed sum files are problems with a line number', () => {
  const hash = 'a'.repeat(64);
  const rewrite = 'run `sqlmig hash` to rewrite it from the files, after making sure no applied migration was edited';

  async function read(content: string): Promise<SumFile> {
    const dir = await tempDir();
    await writeFile(join(dir, 'sqlmig.sum'), content);
    return (readSumFile(dir))!;
  }

  it('reports an unresolved merge conflict once', async () => {
    const sum = await read(
      `<<<<<<< HEAD\ntotal ${hash}\n=======\ntotal ${'b'.repeat(64)}\n>>>>>>> feature\n${hash}  0001_a.up.sql\n`,
    );
    expect(sum.problems).toEqual([
      {
        line: 1,
        message: 'unresolved merge conflict (git conflict markers)',
        hint: 'two branches added migrations: renumber yours after theirs (both files, e.g. with git mv), then run `sqlmig hash`',
      },
    ]);
  });

  it('reports malformed lines, a misplaced total and duplicates', async () => {
    const sum = await read(
      `total ${hash}\n${hash} 0001_a.up.sql\n${hash}  0002_b.up.sql\n${hash}  0002_b.up.sql\ntotal ${hash}\n\nxyz\n`,
    );
    expect(sum.problems).toEqual([
      { line: 2, message: 'malformed line: expected "<sha256 hex>  <file name>"', hint: rewrite },
      { line: 4, message: '"0002_b.up.sql" is listed twice', hint: rewrite },
      { line: 5, message: 'a second "total" line', hint: rewrite },
      { line: 6, message: 'malformed line: expected "<sha256 hex>  <file name>"', hint: rewrite },
      { line: 7, message: 'malformed line: expected "<sha256 hex>  <file name>"', hint: rewrite },
    ]);
    expect(sum.total).toBe(hash);
    expect([...sum.entries.keys()]).toEqual(['0002_b.up.sql']);
  });

  it('reports a missing total line', async () => {
    const sum = await read(`${hash}  0001_a.up.sql\n`);
    expect(sum.problems).toEqual([{ line: 1, message: 'missing the "total <sha256 hex>" first line', hint: rewrite }]);
    expect(sum.total).toBeNull();
  });

  it('reports a malformed first line and an empty file', async () => {
    expect((await read('total abc\n')).problems).toEqual([
      { line: 1, message: 'malformed line: expected "total <sha256 hex>"', hint: rewrite },
    ]);
    expect((await read('')).problems).toEqual([
      { line: 1, message: 'missing the "total <sha256 hex>" first line', hint: rewrite },
    ]);
  });
});

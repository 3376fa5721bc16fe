import { describe, expect, it } from 'vitest';
import { dumpHeader, migrationsDigest, readDumpOrigin } from '../../src/migrations/dump-origin.js';

const files = [
  { version: 2, fileName: '0002_orders.up.sql', checksum: 'b'.repeat(64) },
  { version: 1, fileName: '0001_users.up.sql', checksum: 'a'.repeat(64) },
];

describe('dump header', () => {
  it('records the digest of the up files up to a version, and reads it back with its line', () => {
    const origin = migrationsDigest(files);
    expect(origin.to).toBe(2);
    expect(origin.digest).toMatch(/^[0-9a-f]{64}$/);
    const text = `${dumpHeader(origin, 'sql')}\n\nCREATE TABLE t ();\n`;
    expect(readDumpOrigin(text)).toEqual({ ...origin, line: 3 });
  });

  it('changes with any up file, and a dump up to 1 ignores version 2', () => {
    const all = migrationsDigest(files);
    const edited = migrationsDigest([{ ...files[0]!, checksum: 'c'.repeat(64) }, files[1]!]);
    expect(edited.digest).not.toBe(all.digest);
    expect(migrationsDigest(files, 1)).toEqual(migrationsDigest([files[1]!]));
    expect(migrationsDigest([], undefined)).toMatchObject({ to: null });
  });

  it('finds no origin in a file without the line', () => {
    expect(readDumpOrigin('CREATE TABLE t ();\n')).toBeNull();
  });
});

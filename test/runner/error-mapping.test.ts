import { describe, expect, it } from 'vitest';
import { lengthIn, locateInFile, locationAt } from '../../src/runner/error-mapping.js';

describe('locateInFile', () => {
  const prefix = 'BEGIN;\nSET LOCAL lock_timeout = \'10s\';\n';
  const file = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nINSERT INTO nope VALUES (1);\n';

  it('subtracts what was sent before the file', () => {
    const position = prefix.length + file.indexOf('nope') + 1;
    expect(locateInFile(position, prefix, file, 'character')).toEqual({ line: 3, column: 13 });
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    const emoji = "-- 🐘 café\nSELECT '🐘', nope;\n";
    // PostgreSQL counts the elephant as one character.
    const position = lengthIn(prefix, 'character') + [...emoji.slice(0, emoji.indexOf('nope'))].length + 1;
    expect(locateInFile(position, prefix, emoji, 'character')).toEqual({ line: 2, column: 13 });
  });

  it('counts bytes in SQL_ASCII databases', () => {
    const text = "SELECT 'é', nope;";
    const position = Buffer.byteLength(prefix) + Buffer.byteLength(text.slice(0, text.indexOf('nope'))) + 1;
    expect(locateInFile(position, prefix, text, 'byte')).toEqual({ line: 1, column: 13 });
  });

  it('is undefined before the file (an error in the runner\'s own SET LOCAL)', () => {
    expect(locateInFile(3, prefix, file, 'character')).toBeUndefined();
  });

  it('maps "at end of input" just past the file to its end', () => {
    const text = 'SELECT (';
    expect(locateInFile(prefix.length + text.length + 2, prefix, text, 'character')).toEqual({ line: 1, column: 9 });
  });

  it('is undefined inside the tracking statement after the file', () => {
    expect(locateInFile(prefix.length + file.length + 40, prefix, file, 'character')).toBeUndefined();
  });
});

describe('locationAt', () => {
  it('handles CRLF line ends', () => {
    expect(locationAt('a;\r\nb;\r\nnope', 8, 'character')).toEqual({ line: 3, column: 1 });
  });
});

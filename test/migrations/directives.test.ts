import { describe, expect, it } from 'vitest';
import { parseDirectives } from '../../src/migrations/index.js';

const none = { noTransaction: false, unknown: [], misplaced: [] };

describe('parseDirectives', () => {
  it.each([
    ['on the first line', '-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n'],
    ['in any case, with spaces', '--   SQLMIG : No-Transaction  \nVACUUM;'],
    ['without a space after --', '--sqlmig:no-transaction\nVACUUM;'],
    ['after a header comment and blank lines', '-- Adds a trigram index.\n\n-- sqlmig:no-transaction\nVACUUM;'],
    ['after a block comment', '/* header\n /* nested */ still header */\n-- sqlmig:no-transaction\nVACUUM;'],
    ['with Windows line endings', '-- sqlmig:no-transaction\r\nVACUUM;\r\n'],
    ['with trailing words', '-- sqlmig:no-transaction (CONCURRENTLY needs it)\nVACUUM;'],
    ['in a file with no statements', '-- sqlmig:no-transaction\n'],
  ])('finds no-transaction %s', (_, text) => {
    expect(parseDirectives(text)).toEqual({ ...none, noTransaction: true });
  });

  it('returns nothing for a file without directives', () => {
    expect(parseDirectives('-- just a comment\nCREATE TABLE t (id int);\n')).toEqual(none);
    expect(parseDirectives('')).toEqual(none);
  });

  it('does not take lint disable comments or quoted directives for directives', () => {
    expect(parseDirectives('-- sqlmig-disable require-if-exists\n-- see "-- sqlmig:no-transaction"\nSELECT 1;')).toEqual(none);
  });

  it('lists unknown directives with their line, lowercased', () => {
    expect(parseDirectives('-- header\n-- sqlmig:No_Transaction\n-- sqlmig:\nSELECT 1;')).toEqual({
      ...none,
      unknown: [
        { name: 'no_transaction', line: 2 },
        { name: '', line: 3 },
      ],
    });
  });

  it('reports directives after the first statement as misplaced, without effect', () => {
    const text = '-- header\nCREATE TABLE t (id int);\n  -- sqlmig:no-transaction\n/* x */ SELECT 1;\n-- sqlmig:typo\n';
    expect(parseDirectives(text)).toEqual({
      ...none,
      misplaced: [
        { name: 'no-transaction', line: 3 },
        { name: 'typo', line: 5 },
      ],
    });
  });

  it('finds misplaced directives in files with Windows line endings', () => {
    expect(parseDirectives('SELECT 1;\r\n-- sqlmig:no-transaction\r\n').misplaced).toEqual([{ name: 'no-transaction', line: 2 }]);
  });

  it('counts lines inside block comments', () => {
    expect(parseDirectives('/*\n\n*/\n-- sqlmig:x\nSELECT 1;\n-- sqlmig:y')).toEqual({
      ...none,
      unknown: [{ name: 'x', line: 4 }],
      misplaced: [{ name: 'y', line: 6 }],
    });
  });
});

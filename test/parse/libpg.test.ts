import { beforeAll, describe, expect, it } from 'vitest';
import { loadPgParser, packageParser, type PgParser } from '../../src/parse/libpg.js';

let direct: PgParser;
let viaPackage: PgParser;

beforeAll(async () => {
  [direct, viaPackage] = await Promise.all([loadPgParser(), packageParser()]);
});

/** What a call returns, or the error it throws with its cursor. */
function outcome(parser: PgParser, call: (parser: PgParser) => unknown): unknown {
  try {
    return { value: call(parser) };
  } catch (error) {
    return { message: (error as Error).message, cursor: parser.cursorPosition(error) ?? 0 };
  }
}

const SQL = [
  'CREATE TABLE café (naïve text, "😀" int); CREATE VIEW v AS SELECT * FROM café',
  "INSERT INTO t (a) VALUES ('é😀'), (2) RETURNING a;\r\nDROP TABLE IF EXISTS t CASCADE",
  'SELECT 1; SELEC 2;',
  "CREATE TABLE t (id int, note text DEFAULT 'naïve' CHECK (note <> 'x'), PRIMARY KEY id)",
  '   ',
  '',
];

describe('the direct WebAssembly calls give what the package API gives', () => {
  it.each(SQL)('parse %j', (sql) => {
    expect(outcome(direct, (parser) => parser.parse(sql))).toEqual(outcome(viaPackage, (parser) => parser.parse(sql)));
  });

  it.each(SQL)('scan %j', (sql) => {
    expect(outcome(direct, (parser) => parser.scan(sql))).toEqual(outcome(viaPackage, (parser) => parser.scan(sql)));
  });

  it('parsePlPgSQL, and its errors', () => {
    for (const body of ["$$ BEGIN PERFORM 1; EXECUTE 'SELECT ''é'''; END $$", "'BEGIN PERFORM; END'", '$$ BEGIN END']) {
      const sql = `CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS ${body}`;
      expect(outcome(direct, (parser) => parser.parsePlPgSQL(sql))).toEqual(outcome(viaPackage, (parser) => parser.parsePlPgSQL(sql)));
    }
  });

  it('syntax errors carry PostgreSQL’s cursor, in code points', () => {
    expect(outcome(direct, (parser) => parser.parse("SELECT 'é😀' FROM t WHERE"))).toEqual({
      message: 'syntax error at end of input',
      cursor: 24,
    });
  });
});

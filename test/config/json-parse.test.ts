import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/config/json-parse.js';
import { errorOf } from './helpers.js';

const FILE = '/project/.migraterc.json';

describe('parseJson: syntax errors carry line and column', () => {
  const cases: Array<{ name: string; text: string; message: string; line: number; column: number; hint?: string }> = [
    {
      name: 'trailing comma on line 3 (reported at the comma)',
      text: '{\n  "dir": "sql",\n  "table": "t",\n}\n',
      message: 'trailing comma: JSON does not allow a "," before "}"',
      line: 3,
      column: 15,
      hint: 'remove this ","',
    },
    {
      name: 'trailing comma in an array',
      text: '{"a": [1, 2,]}',
      message: 'trailing comma: JSON does not allow a "," before "]"',
      line: 1,
      column: 12,
    },
    {
      name: 'line comment',
      text: '{\n  // the folder\n  "dir": "sql"\n}',
      message: 'comments are not allowed: the config file is plain JSON',
      line: 2,
      column: 3,
      hint: 'remove the comment',
    },
    {
      name: 'block comment after a value',
      text: '{"dir": "sql" /* x */}',
      message: 'comments are not allowed: the config file is plain JSON',
      line: 1,
      column: 15,
    },
    {
      name: 'comment after a comma',
      text: '{\n  "dir": "sql", // migrations\n  "table": "t"\n}',
      message: 'comments are not allowed: the config file is plain JSON',
      line: 2,
      column: 17,
    },
    { name: 'single quotes', text: "{'dir': 'sql'}", message: 'strings must use double quotes (")', line: 1, column: 2 },
    { name: 'unquoted key', text: '{dir: "sql"}', message: 'property names must be in double quotes: write "dir"', line: 1, column: 2 },
    {
      name: 'missing comma between properties',
      text: '{\n  "dir": "sql"\n  "table": "t"\n}',
      message: 'missing "," between properties',
      line: 3,
      column: 3,
      hint: 'add "," after the value of "dir"',
    },
    {
      name: 'object not closed',
      text: '{\n  "dir": "sql"\n',
      message: 'unexpected end of file: the object opened at line 1, column 1 is not closed',
      line: 3,
      column: 1,
    },
    { name: 'unterminated string', text: '{"dir": "sql}', message: 'unterminated string (it starts at line 1, column 9)', line: 1, column: 14 },
    {
      name: 'line break inside a string',
      text: '{"dir": "sq\nl"}',
      message: 'unterminated string: a line break inside a string must be written \\n',
      line: 1,
      column: 12,
    },
    { name: 'invalid escape', text: '{"dir": "a\\qb"}', message: 'invalid escape "\\q" in a string', line: 1, column: 11 },
    {
      name: 'duplicate key',
      text: '{\n  "dir": "a",\n  "dir": "b"\n}',
      message: 'duplicate key "dir" (first at line 2, column 3)',
      line: 3,
      column: 3,
    },
    { name: 'leading zero', text: '{"lockWait": 010}', message: 'invalid number', line: 1, column: 14 },
    { name: 'trailing dot', text: '{"lockWait": 1.}', message: 'invalid number', line: 1, column: 14 },
    {
      name: 'capitalised literal',
      text: '{"a": True}',
      message: 'expected a value (a string, number, object, array, true, false or null), found "True"',
      line: 1,
      column: 7,
      hint: 'write true in lower case',
    },
    { name: 'content after the value', text: '{}\n{}', message: 'unexpected "{" after the end of the JSON value', line: 2, column: 1 },
    { name: 'missing colon', text: '{"dir" "sql"}', message: 'expected ":" after the property name "dir", found "\\""', line: 1, column: 8 },
    { name: 'BOM does not shift columns', text: '\uFEFF{"dir": "x",}', message: 'trailing comma: JSON does not allow a "," before "}"', line: 1, column: 12 },
    {
      name: 'CRLF line endings',
      text: '{\r\n  "a": 1,\r\n}\r\n',
      message: 'trailing comma: JSON does not allow a "," before "}"',
      line: 2,
      column: 9,
    },
  ];

  it.each(cases)('$name', async ({ text, message, line, column, hint }) => {
    const error = await errorOf(() => parseJson(text, FILE));
    expect(error.message).toBe(message);
    expect(error.location).toEqual({ file: FILE, line, column });
    expect(error.code).toBe('CONFIG_SYNTAX');
    expect(error.exitCode).toBe(2);
    if (hint !== undefined) expect(error.hint).toBe(hint);
  });

  it.each(['', '   \n\t', '\uFEFF'])('an empty file (%j) says so', async (text) => {
    const error = await errorOf(() => parseJson(text, FILE));
    expect(error.message).toBe('the configuration file is empty');
    expect(error.location).toEqual({ file: FILE });
    expect(error.hint).toBe('write `{}` to use the defaults, or run `sqlmig init`');
  });
});

describe('parseJson: values', () => {
  it.each([
    '{"a": [1, -2.5e3, 0, 1E-2], "b": {"c": null, "d": true, "e": false}}',
    '"\\u00e9\\n\\t\\"\\\\\\/"',
    '[[], {}, [{}], ""]',
    '  42  ',
  ])('agrees with JSON.parse on %j', (text) => {
    expect(parseJson(text, FILE).value).toEqual(JSON.parse(text));
  });

  it('skips a byte order mark', () => {
    expect(parseJson('\uFEFF{"dir": "x"}', FILE).value).toEqual({ dir: 'x' });
  });

  it('keeps a "__proto__" key as a plain own property', () => {
    const value = parseJson('{"__proto__": {"polluted": true}}', FILE).value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('records the key and value position of every member and item by JSON path', () => {
    const text = [
      '{',
      '  "lint": {',
      '    "rules": { "require-down": "warn" },',
      '    "knownTables": ["a",',
      '      "auth.users"]',
      '  },',
      '  "environments": { "eu west": {} }',
      '}',
    ].join('\n');
    const { locations } = parseJson(text, FILE);
    expect(locations.get('')).toEqual({ key: undefined, value: { line: 1, column: 1 } });
    expect(locations.get('lint')).toEqual({ key: { line: 2, column: 3 }, value: { line: 2, column: 11 } });
    expect(locations.get('lint.rules.require-down')).toEqual({ key: { line: 3, column: 16 }, value: { line: 3, column: 32 } });
    expect(locations.get('lint.knownTables[1]')).toEqual({ key: undefined, value: { line: 5, column: 7 } });
    expect(locations.get('environments["eu west"]')).toEqual({ key: { line: 7, column: 21 }, value: { line: 7, column: 32 } });
  });
});

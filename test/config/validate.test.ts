import { describe, expect, it } from 'vitest';
import { interpolateStrings } from '../../src/config/interpolate.js';
import { parseJson } from '../../src/config/json-parse.js';
import { validateConfig } from '../../src/config/validate.js';
import { errorOf } from './helpers.js';

const FILE = '/project/.migraterc.json';

function validateText(text: string, env: Record<string, string> = {}) {
  const parsed = parseJson(text, FILE);
  return validateConfig({ ...parsed, ...interpolateStrings(parsed, env, FILE) }, FILE);
}

describe('unknown keys', () => {
  it('names the key, points at it, and suggests the close one', async () => {
    const error = await errorOf(() => validateText('{\n  "dir": "sql",\n  "tabel": "t"\n}'));
    expect(error.message).toBe('unknown key "tabel"');
    expect(error.location).toEqual({ file: FILE, line: 3, column: 3 });
    expect(error.hint).toBe('did you mean "table"?');
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
  });

  it.each([
    ['{"lint": {"rulez": {}}}', 'unknown key "rulez" at lint.rulez', 11, 'did you mean "rules"?'],
    ['{"lint": {"knowTables": []}}', 'unknown key "knowTables" at lint.knowTables', 11, 'did you mean "knownTables"?'],
    ['{"environments": {"prod": {"databaseURL": "x"}}}', 'unknown key "databaseURL" at environments.prod.databaseURL', 28, 'did you mean "databaseUrl"?'],
    ['{"environments": {"prod": {"dir": "x"}}}', 'unknown key "dir" at environments.prod.dir', 28, 'the keys allowed here are "databaseUrl", "schema", "table", "lockTimeout", "lockWait", "lockRetries", "connectTimeout", "runTimeout", "statementTimeout"'],
    ['{"tableName": "t"}', 'unknown key "tableName"', 2, 'did you mean "table"?'],
    ['{"__proto__": {}}', 'unknown key "__proto__"', 2, undefined],
    [
      '{"colour": true}',
      'unknown key "colour"',
      2,
      'the keys allowed here are "$schema", "dir", "dumpSchema", "layout", "databaseUrl", "schema", "table", "lockTimeout", "lockWait", "lockRetries", "connectTimeout", "runTimeout", "statementTimeout", "lint", "environments"',
    ],
  ])('%s', async (text, message, column, hint) => {
    const error = await errorOf(() => validateText(text));
    expect(error.message).toBe(message);
    expect(error.location).toEqual({ file: FILE, line: 1, column });
    if (hint !== undefined) expect(error.hint).toBe(hint);
  });

  it('does not check rule ids (the linter knows them), only their severities', () => {
    expect(validateText('{"lint": {"rules": {"no-such-rule": "off"}}}').lint).toEqual({ rules: { 'no-such-rule': 'off' } });
  });
});

describe('wrong types and bad values name the key and point at the value', () => {
  // `at` is the text the error must point at (its first occurrence in `text`).
  const cases: Array<{ text: string; message: string; at: string; hint?: string; env?: Record<string, string> }> = [
    { text: '[]', message: 'the configuration must be an object, got an array', at: '[' },
    { text: '"sql"', message: 'the configuration must be an object, got "sql"', at: '"' },
    { text: '{"$schema": 1}', message: '$schema must be a string, got 1', at: '1' },
    { text: '{"dir": 5}', message: 'dir must be a string, got 5', at: '5' },
    { text: '{"databaseUrl": true}', message: 'databaseUrl must be a string, got true', at: 'true' },
    { text: '{"schema": null}', message: 'schema must be a name, got null', at: 'null' },
    { text: '{"table": ["t"]}', message: 'table must be a name, got an array', at: '[' },
    { text: '{"lockTimeout": 10}', message: 'lockTimeout must be a duration such as "10s" or null, got 10', at: '10' },
    {
      text: '{"lockTimeout": "ten seconds"}',
      message: 'lockTimeout must be a duration such as "10s", "500ms" or "1min", or null; got "ten seconds"',
      at: '"ten',
      hint: 'units: us, ms, s, min, h, d; null means no timeout',
    },
    {
      text: '{"lockTimeout": "10"}',
      message: 'lockTimeout must be a duration such as "10s", "500ms" or "1min", or null; got "10"',
      at: '"10"',
      hint: 'add a unit, e.g. "10s" (PostgreSQL reads a bare number as milliseconds)',
    },
    {
      text: '{"lockTimeout": "${LOCK_TIMEOUT}"}',
      env: { LOCK_TIMEOUT: '5 sec' },
      message: 'lockTimeout must be a duration such as "10s", "500ms" or "1min", or null; got "5 sec" (from "${LOCK_TIMEOUT}")',
      at: '"$',
    },
    { text: '{"lockWait": "60"}', message: 'lockWait must be a number of seconds, got "60"', at: '"60"', hint: 'write 60 without quotes' },
    { text: '{"lockWait": -1}', message: 'lockWait must be 0 or more seconds, got -1', at: '-1' },
    { text: '{"statementTimeout": {}}', message: 'statementTimeout must be a duration such as "10s" or null, got an object', at: '{}' },
    { text: '{"lint": []}', message: 'lint must be an object, got an array', at: '[' },
    {
      text: '{"lint": {"rules": "error"}}',
      message: 'lint.rules must be an object of rule ids and "off", "warn" or "error", got "error"',
      at: '"error"',
    },
    {
      text: '{"lint": {"rules": {"require-down": "warning"}}}',
      message: 'lint.rules.require-down must be "off", "warn" or "error", got "warning"',
      at: '"warning"',
      hint: 'did you mean "warn"?',
    },
    {
      text: '{"lint": {"rules": {"require-down": 2}}}',
      message: 'lint.rules.require-down must be "off", "warn" or "error", got 2',
      at: '2',
      hint: 'did you mean "error"?',
    },
    {
      text: '{"lint": {"knownTables": "auth.users"}}',
      message: 'lint.knownTables must be an array of strings, got "auth.users"',
      at: '"auth',
      hint: 'write ["auth.users"]',
    },
    { text: '{"lint": {"knownTables": ["a", 1]}}', message: 'lint.knownTables[1] must be a string, got 1', at: '1' },
    { text: '{"lint": {"statusColumns": null}}', message: 'lint.statusColumns must be an array of strings, got null', at: 'null' },
    { text: '{"lint": {"smallTableRows": -1}}', message: 'lint.smallTableRows must be a count (a whole number, 0 or more), got -1', at: '-1' },
    { text: '{"environments": []}', message: 'environments must be an object, got an array', at: '[' },
    { text: '{"environments": {"prod": "x"}}', message: 'environments.prod must be an object, got "x"', at: '"x"' },
    { text: '{"environments": {"prod": {"lockWait": -5}}}', message: 'environments.prod.lockWait must be 0 or more seconds, got -5', at: '-5' },
    {
      text: '{"environments": {"eu west": {"schema": "a b"}}}',
      message: 'environments["eu west"].schema must be a plain name: "a b" contains a space',
      at: '"a b"',
    },
  ];

  it.each(cases)('$text', async ({ text, message, at, hint, env }) => {
    expect(text.indexOf(at)).toBeGreaterThanOrEqual(0);
    const error = await errorOf(() => validateText(text, env));
    expect(error.message).toBe(message);
    expect(error.location).toEqual({ file: FILE, line: 1, column: text.indexOf(at) + 1 });
    if (hint !== undefined) expect(error.hint).toBe(hint);
  });

  it('points at the line of a value deep in a multi-line file', async () => {
    const text = '{\n  "lint": {\n    "rules": {\n      "destructive-change": "warning"\n    }\n  }\n}\n';
    const error = await errorOf(() => validateText(text));
    expect(error.location).toEqual({ file: FILE, line: 4, column: 29 });
  });
});

describe('schema and table names', () => {
  const plainNameHint = 'use ASCII letters, digits, "_" and "$", at most 63 characters; sqlmig quotes the name itself';
  it.each([
    ['my table', 'contains a space', plainNameHint],
    ['"Users"', 'contains a quote', plainNameHint],
    ["o'brien", 'contains a quote', plainNameHint],
    ['users;drop', 'contains ";"', plainNameHint],
    ['auth.users', 'contains "."', 'give the schema in "schema" and the bare table name in "table"'],
    ['1users', 'starts with a digit', plainNameHint],
    ['$users', 'starts with "$"', plainNameHint],
    ['user-s', 'contains a character other than ASCII letters, digits, "_" and "$"', plainNameHint],
    ['café', 'contains a character other than ASCII letters, digits, "_" and "$"', plainNameHint],
    ['a'.repeat(64), 'is 64 characters long (PostgreSQL keeps at most 63)', plainNameHint],
  ])('refuses %j: %s', async (name, problem, hint) => {
    const error = await errorOf(() => validateText(JSON.stringify({ table: name })));
    expect(error.message).toBe(`table must be a plain name: ${JSON.stringify(name)} ${problem}`);
    expect(error.hint).toBe(hint);
  });

  it.each(['users', '_x$1', 'Users', 'a'.repeat(63)])('accepts %j', (name) => {
    expect(validateText(JSON.stringify({ schema: name, table: name }))).toEqual({ schema: name, table: name });
  });
});

describe('valid values', () => {
  it.each(['10s', '500ms', '1min', '0', '1.5h', '250us', '2d'])('accepts the duration %j', (duration) => {
    expect(validateText(JSON.stringify({ lockTimeout: duration, statementTimeout: duration }))).toEqual({
      lockTimeout: duration,
      statementTimeout: duration,
    });
  });

  it.each(['10', '10 s', '-1s', '1m', '1.s', 's'])('refuses the duration %j', async (duration) => {
    const error = await errorOf(() => validateText(JSON.stringify({ lockTimeout: duration })));
    expect(error.message).toMatch(/^lockTimeout must be a duration/);
  });

  it('keeps null timeouts (no timeout) and fractional or zero lockWait', () => {
    expect(validateText('{"lockTimeout": null, "statementTimeout": null, "lockWait": 0.5}')).toEqual({
      lockTimeout: null,
      statementTimeout: null,
      lockWait: 0.5,
    });
    expect(validateText('{"lockWait": 0}')).toEqual({ lockWait: 0 });
  });

  it('treats empty strings, written or interpolated, as unset', () => {
    const text = JSON.stringify({
      dir: '',
      databaseUrl: '${DATABASE_URL}',
      schema: '${SCHEMA}',
      table: '${EMPTY}',
      lockTimeout: '',
      lint: { rules: { 'require-down': '' }, knownTables: ['${NONE}', 'auth.users'] },
      environments: { prod: { databaseUrl: '${PROD_URL}' } },
    });
    expect(validateText(text, { EMPTY: '' })).toEqual({
      lint: { rules: {}, knownTables: ['auth.users'] },
      environments: { prod: {} },
    });
  });

  it('returns interpolated values', () => {
    expect(validateText('{"databaseUrl": "${URL}", "schema": "${SCHEMA:-app}"}', { URL: 'postgres://h/db' })).toEqual({
      databaseUrl: 'postgres://h/db',
      schema: 'app',
    });
  });
});

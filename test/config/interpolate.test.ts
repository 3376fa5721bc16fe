import { describe, expect, it } from 'vitest';
import { interpolate, interpolateStrings } from '../../src/config/interpolate.js';
import { parseJson } from '../../src/config/json-parse.js';
import { errorOf } from './helpers.js';

const env = { SET: 'value', EMPTY: '', HOST: 'db.internal', PASS: 'p@ss' };
const noFailure = (message: string): never => {
  throw new Error(message);
};

describe('interpolate', () => {
  it.each([
    ['${SET}', 'value'],
    ['${UNSET}', ''],
    ['${EMPTY}', ''],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${SET:-fallback}', 'value'],
    ['${UNSET:-}', ''],
    ['${UNSET:-host:5432}', 'host:5432'],
    ['postgres://u:${PASS}@${HOST}/${DB:-app}', 'postgres://u:p@ss@db.internal/app'],
    ['$${SET}', '${SET}'],
    ['$$${SET}', '$${SET}'], // only "$${" is an escape: the first "$" stays, the rest is a literal "${"
    ['pa$word$', 'pa$word$'],
    ['no references', 'no references'],
  ])('%j → %j', (text, expected) => {
    expect(interpolate(text, env, noFailure)).toBe(expected);
  });

  it.each([
    ['${SET', 'unterminated "${": it needs a closing "}"'],
    ['${1X}', 'invalid variable reference "${1X}"'],
    ['${SET-x}', 'invalid variable reference "${SET-x}"'],
    ['${}', 'invalid variable reference "${}"'],
    ['${A:-${B}}', 'nested reference in "${A:-${B}}" is not supported'],
  ])('%j fails: %s', (text, message) => {
    expect(() => interpolate(text, env, noFailure)).toThrow(message);
  });
});

describe('interpolateStrings', () => {
  it('replaces references in every string value, not in keys, and remembers what was written', () => {
    const parsed = parseJson('{"${SET}": "${SET}", "list": ["${HOST}", 1, "plain"], "nested": {"x": "${UNSET}"}}', 'f.json');
    const { value, originals } = interpolateStrings(parsed, env, 'f.json');
    expect(value).toEqual({ '${SET}': 'value', list: ['db.internal', 1, 'plain'], nested: { x: '' } });
    expect([...originals]).toEqual([
      ['["${SET}"]', '${SET}'],
      ['list[0]', '${HOST}'],
      ['nested.x', '${UNSET}'],
    ]);
  });

  it('points a bad reference at its value, without quoting the rest of the value', async () => {
    const parsed = parseJson('{\n  "databaseUrl": "postgres://u:hunter2@h/${DB"\n}', '/p/.migraterc.json');
    const error = await errorOf(() => interpolateStrings(parsed, env, '/p/.migraterc.json'));
    expect(error.message).toBe('databaseUrl: unterminated "${": it needs a closing "}"');
    expect(error.location).toEqual({ file: '/p/.migraterc.json', line: 2, column: 18 });
    expect(error.hint).toBe('write ${NAME} or ${NAME:-default}; $${ stands for a literal ${');
    expect(error.message + error.hint).not.toContain('hunter2');
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { quoteIdentifier, quoteLiteral } from '../../src/runner/sql-quote.js';
import { trackingTable } from '../../src/runner/tracking.js';

describe('quoteIdentifier', () => {
  it.each([
    ['public', '"public"'],
    ['MixedCase', '"MixedCase"'],
    ['with space', '"with space"'],
    ['a"b', '"a""b"'],
    ['x"; DROP TABLE users; --', '"x""; DROP TABLE users; --"'],
    ['ünïcødé', '"ünïcødé"'],
  ])('%s → %s', (name, quoted) => {
    expect(quoteIdentifier(name)).toBe(quoted);
  });

  it('refuses names PostgreSQL would truncate or cannot store', () => {
    expect(() => quoteIdentifier('')).toThrow(ConfigError);
    expect(() => quoteIdentifier('a\0b')).toThrow(ConfigError);
    expect(() => quoteIdentifier('x'.repeat(64))).toThrow(/longer than 63 bytes/);
    expect(quoteIdentifier('x'.repeat(63))).toHaveLength(65);
    // 63 bytes is the limit, not 63 characters.
    expect(() => quoteIdentifier('é'.repeat(32))).toThrow(ConfigError);
  });

  it('builds the tracking table name from config without injection', () => {
    expect(trackingTable('ops', 'migrations"; DROP SCHEMA public; --').sql).toBe('"ops"."migrations""; DROP SCHEMA public; --"');
  });
});

describe('quoteLiteral', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it''s'"],
    ["'; DROP TABLE x; --", "'''; DROP TABLE x; --'"],
    ['back\\slash', "E'back\\\\slash'"],
    ["both\\'", "E'both\\\\'''"],
  ])('%s → %s', (value, quoted) => {
    expect(quoteLiteral(value)).toBe(quoted);
  });

  it('refuses NUL', () => {
    expect(() => quoteLiteral('a\0')).toThrow(TypeError);
  });
});

import { describe, expect, it } from 'vitest';
import { collectSecrets, passwordsOf, redactUrl, scrub } from '../src/redact.js';

describe('redactUrl', () => {
  it.each([
    ['postgres://u:secret@h:5432/db', 'postgres://u:***@h:5432/db'],
    ['postgres://u@h/db', 'postgres://u@h/db'],
    ['postgres://u:a@h/db?password=b&sslmode=require', 'postgres://u:***@h/db?password=***&sslmode=require'],
    ['not a url ://u:pw@host', 'not a url ://u:***@host'],
    // Shapes a URL parser gets wrong: the password as written must go whatever it holds.
    ['postgres://postgres:Tr0ub@dor#Horse9@host/db', 'postgres://postgres:***@host/db'],
    ['postgres://app:5432#Secret9@host/db', 'postgres://app:***@host/db'],
    ['postgres://u@h/db?password=Tr0ub@dor#Horse9', 'postgres://u@h/db?password=***'],
    ['postgres://u:p%40ss%23w@h1:5432,h2:5433/db', 'postgres://u:***@h1:5432,h2:5433/db'],
    ['postgres://u:pw@[::1]:5432/db?sslmode=require&PASSWORD=x1&a=b', 'postgres://u:***@[::1]:5432/db?sslmode=require&PASSWORD=***&a=b'],
    ['postgres://Tr0ub@dor#Horse9@host/db', 'postgres://***@host/db'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('passwordsOf', () => {
  it('finds the user-info password (decoded) and a password query parameter', () => {
    expect(passwordsOf('postgres://u:p%40ss%3Aw%2Frd%25@h/db?password=second').sort()).toEqual(['p%40ss%3Aw%2Frd%25', 'p@ss:w/rd%', 'second']);
    expect(passwordsOf('postgres://app:5432#Secret9@host/db')).toEqual(['5432#Secret9']);
  });

  it('finds nothing in a URL without a password', () => {
    expect(passwordsOf('postgres://u@h/db')).toEqual([]);
  });
});

describe('scrub', () => {
  it('replaces raw and percent-encoded forms of every secret', () => {
    const secrets = collectSecrets({ PGPASSWORD: 'pg-secret' }, ['postgres://u:p%40ss@h/db']);
    expect(secrets.sort()).toEqual(['p%40ss', 'p@ss', 'pg-secret']);
    const text = 'failed for postgres://u:p%40ss@h/db (password p@ss), PGPASSWORD=pg-secret';
    expect(scrub(text, secrets)).toBe('failed for postgres://u:***@h/db (password ***), PGPASSWORD=***');
  });

  it('leaves very short secrets alone rather than mangling ordinary text', () => {
    expect(scrub('a b c', ['a'])).toBe('a b c');
  });
});

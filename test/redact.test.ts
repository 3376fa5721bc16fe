import { describe, expect, it } from 'vitest';
import { collectSecrets, passwordsOf, redactUrl, scrub } from '../src/redact.js';

describe('redactUrl', () => {
  it.each([
    ['postgres://u:secret@h:5432/db', 'postgres://u:***@h:5432/db'],
    ['postgres://u@h/db', 'postgres://u@h/db'],
    ['postgres://u:a@h/db?password=b&sslmode=require', 'postgres://u:***@h/db?password=***&sslmode=require'],
    ['not a url ://u:pw@host', 'not a url ://u:***@host'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('passwordsOf', () => {
  it('finds the user-info password (decoded) and a password query parameter', () => {
    expect(passwordsOf('postgres://u:p%40ss%3Aw%2Frd%25@h/db?password=second')).toEqual(['p@ss:w/rd%', 'second']);
  });

  it('finds nothing in a URL without a password', () => {
    expect(passwordsOf('postgres://u@h/db')).toEqual([]);
  });
});

describe('scrub', () => {
  it('replaces raw and percent-encoded forms of every secret', () => {
    const secrets = collectSecrets({ PGPASSWORD: 'pg-secret' }, ['postgres://u:p%40ss@h/db']);
    expect(secrets.sort()).toEqual(['p@ss', 'pg-secret']);
    const text = 'failed for postgres://u:p%40ss@h/db (password p@ss), PGPASSWORD=pg-secret';
    expect(scrub(text, secrets)).toBe('failed for postgres://u:***@h/db (password ***), PGPASSWORD=***');
  });

  it('leaves very short secrets alone rather than mangling ordinary text', () => {
    expect(scrub('a b c', ['a'])).toBe('a b c');
  });
});

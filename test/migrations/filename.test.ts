import { describe, expect, it } from 'vitest';
import { parseFileName, slugify } from '../../src/migrations/index.js';

describe('parseFileName: valid names', () => {
  it.each([
    ['0001_create_users.up.sql', 1, 'create_users', 'up'],
    ['0001_create_users.down.sql', 1, 'create_users', 'down'],
    ['1_init.up.sql', 1, 'init', 'up'],
    ['000042_x.up.sql', 42, 'x', 'up'],
    ['20240131120000_add_index.down.sql', 20240131120000, 'add_index', 'down'],
    ['0007_2fa_codes.up.sql', 7, '2fa_codes', 'up'],
    ['0008_trailing_.up.sql', 8, 'trailing_', 'up'],
    ['9007199254740991_max.up.sql', Number.MAX_SAFE_INTEGER, 'max', 'up'],
  ])('%s', (fileName, version, name, direction) => {
    expect(parseFileName(fileName)).toEqual({ version, name, direction, fileName });
  });
});

describe('parseFileName: near-misses say what is wrong and suggest a name', () => {
  it.each([
    ['0001_Create_Users.up.sql', 'uppercase letters in the description', 'rename it to 0001_create_users.up.sql'],
    ['0001_create-users.up.sql', '"-" instead of "_" in the description', 'rename it to 0001_create_users.up.sql'],
    [
      '0001-create-users.up.sql',
      'the version must be followed by "_", not "-"; "-" instead of "_" in the description',
      'rename it to 0001_create_users.up.sql',
    ],
    ['0001_create_users.sql', 'missing ".up" or ".down" before ".sql"', 'rename it to 0001_create_users.up.sql'],
    ['0001_create_users.up', 'missing the ".sql" extension', 'rename it to 0001_create_users.up.sql'],
    ['0001_create_users.up.SQL', 'the extension must be lowercase ".sql", not ".SQL"', 'rename it to 0001_create_users.up.sql'],
    ['0001_create_users.UP.sql', '".UP" must be lowercase ".up"', 'rename it to 0001_create_users.up.sql'],
    ['0001_create_users_down.sql', '"_down" must be ".down"', 'rename it to 0001_create_users.down.sql'],
    [
      'create_users.up.sql',
      'no version: the name must start with a number, e.g. "0001_"',
      'rename it to NNNN_create_users.up.sql, with NNNN the next free version',
    ],
    ['0001createusers.up.sql', 'the version must be followed by "_"', 'rename it to 0001_createusers.up.sql'],
    ['0001.up.sql', 'missing the description after the version', 'rename it to 0001_description.up.sql'],
    ['0001__x.up.sql', 'the description must start with a letter or digit', 'rename it to 0001_x.up.sql'],
    [
      '0001_add users.up.sql',
      'characters other than a-z, 0-9 and "_" in the description: " "',
      'rename it to 0001_add_users.up.sql',
    ],
    [
      'V3__Add_Users.sql',
      'missing ".up" or ".down" before ".sql"; this is a Flyway-style name; sqlmig names files NNNN_description.up.sql and .down.sql; uppercase letters in the description',
      'rename it to 3_add_users.up.sql',
    ],
    [
      '9007199254740992_too_big.up.sql',
      'version 9007199254740992 is too large (the largest is 9007199254740991)',
      'rename it to NNNN_too_big.up.sql, with NNNN the next free version',
    ],
    [
      '0000_zero.up.sql',
      'version 0 is reserved for "no migration applied"; versions start at 1',
      'rename it to NNNN_zero.up.sql, with NNNN the next free version',
    ],
  ])('%s', (fileName, error, hint) => {
    expect(parseFileName(fileName)).toEqual({ error, hint });
  });
});

describe('slugify', () => {
  it.each([
    ['Add status to users', 'add_status_to_users'],
    ['  add--widgets!! (v2) ', 'add_widgets_v2'],
    ['Créer la table café', 'creer_la_table_cafe'],
    ['___', ''],
    ['日本語', ''],
  ])('%j → %j', (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });
});

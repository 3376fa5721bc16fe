import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertLayout } from '../../src/migrations/layouts/convert.js';
import { detectLayout, readLayout } from '../../src/migrations/layouts/index.js';
import type { LayoutId } from '../../src/migrations/layouts/types.js';
import { tempDir } from './helpers.js';

/** Writes files (path relative to the folder, subfolders created) and returns the folder. */
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** The converted files as `name → content`, in order, with each file's origin line delta. */
function converted(dir: string, layout?: LayoutId) {
  const conversion = convertLayout(readLayout(dir, layout));
  return {
    conversion,
    names: conversion.files.map((file) => file.fileName),
    content: Object.fromEntries(conversion.files.map((file) => [file.fileName, file.content])),
    delta: Object.fromEntries(conversion.files.map((file) => [file.fileName, file.origin.lineDelta])),
    leftOut: conversion.folder.leftOut.map((item) => [item.path.slice(dir.length + 1), item.needsAttention]),
  };
}

describe('goose', () => {
  const file = '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY i;\n';
  it('is detected, split at the Down marker, and NO TRANSACTION marks both halves', async () => {
    const dir = await folder({ '20240101000000_add_index.sql': file, '20230101000000_init.sql': '-- +goose Up\nCREATE TABLE t (a int);\n', '20240201000000_code.go': 'package x' });
    expect(detectLayout(dir)).toBe('goose');
    const result = converted(dir);
    // Ordered by the integer version, not by name.
    expect(result.names).toEqual(['20230101000000_init.up.sql', '20240101000000_add_index.up.sql', '20240101000000_add_index.down.sql']);
    expect(result.content['20240101000000_add_index.up.sql']).toBe('-- sqlmig:no-transaction\n-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n');
    expect(result.content['20240101000000_add_index.down.sql']).toBe('-- sqlmig:no-transaction\nDROP INDEX CONCURRENTLY i;\n');
    // Down line 2 (after the added marker) is line 6 of the goose file; up line 4 is line 3.
    expect(2 + result.delta['20240101000000_add_index.down.sql']!).toBe(6);
    expect(4 + result.delta['20240101000000_add_index.up.sql']!).toBe(3);
    expect(result.leftOut).toEqual([['20240201000000_code.go', true]]);
  });
});

describe('dbmate', () => {
  it('reads -- migrate:up / down sections and transaction:false per section', async () => {
    const dir = await folder({
      '20240101000000_a.sql': '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- migrate:down\nDROP INDEX i;\n',
    });
    expect(detectLayout(dir)).toBe('dbmate');
    const result = converted(dir);
    expect(result.content['20240101000000_a.up.sql']).toBe('-- sqlmig:no-transaction\n-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n');
    expect(result.content['20240101000000_a.down.sql']).toBe('DROP INDEX i;\n');
    expect(1 + result.delta['20240101000000_a.down.sql']!).toBe(5);
  });
});

describe('node-pg-migrate', () => {
  it('reads -- Up Migration / -- Down Migration', async () => {
    const dir = await folder({ '1700000000000_users.sql': '-- Up Migration\nCREATE TABLE users (id int);\n-- Down Migration\nDROP TABLE users;\n' });
    expect(detectLayout(dir)).toBe('node-pg-migrate');
    const result = converted(dir);
    expect(result.names).toEqual(['1700000000000_users.up.sql', '1700000000000_users.down.sql']);
    expect(result.content['1700000000000_users.down.sql']).toBe('DROP TABLE users;\n');
    expect(1 + result.delta['1700000000000_users.down.sql']!).toBe(4);
  });
});

describe('diesel', () => {
  it('orders by the version without dashes as a string, keeps 18-digit versions exact by numbering, and reads metadata.toml', async () => {
    const dir = await folder({
      '00000000000000_diesel_initial_setup/up.sql': 'SELECT 1;\n',
      '2026-07-30-140000-0000_add_index/up.sql': 'CREATE INDEX CONCURRENTLY i ON t (a);\n',
      '2026-07-30-140000-0000_add_index/down.sql': 'DROP INDEX CONCURRENTLY i;\n',
      '2026-07-30-140000-0000_add_index/metadata.toml': 'run_in_transaction = false\n',
      '2019-02-26-002946_create_user/up.sql': 'CREATE TABLE t (a int);\n',
      'README.md': 'notes',
    });
    expect(detectLayout(dir)).toBe('diesel');
    const result = converted(dir);
    expect(result.conversion.folder.migrations.map((migration) => migration.version)).toEqual([
      '00000000000000',
      '2019-02-26-002946',
      '2026-07-30-140000-0000',
    ]);
    expect(result.conversion.renumbered).toContain('is 0');
    expect(result.names).toEqual(['0001_diesel_initial_setup.up.sql', '0002_create_user.up.sql', '0003_add_index.up.sql', '0003_add_index.down.sql']);
    expect(result.content['0003_add_index.down.sql']).toBe('-- sqlmig:no-transaction\nDROP INDEX CONCURRENTLY i;\n');
    expect(result.leftOut).toEqual([['README.md', false]]);
  });

  it('keeps the versions when they fit, dashes removed', async () => {
    const dir = await folder({ '2019-02-26-002946_a/up.sql': 'SELECT 1;\n', '2019-03-01-000000_b/up.sql': 'SELECT 2;\n' });
    expect(converted(dir).names).toEqual(['20190226002946_a.up.sql', '20190301000000_b.up.sql']);
  });
});

describe('flyway', () => {
  it('orders V files by their dotted version, pairs U undo files, reads .conf and reports R__ repeatables', async () => {
    const dir = await folder({
      'V1.10__later.sql': 'SELECT 10;\n',
      'V1.2__earlier.sql': 'SELECT 2;\n',
      'U1.2__earlier.sql': 'SELECT -2;\n',
      'V1.2__earlier.sql.conf': 'executeInTransaction=false\n',
      'R__views.sql': 'CREATE VIEW v AS SELECT 1;\n',
    });
    expect(detectLayout(dir)).toBe('flyway');
    const result = converted(dir);
    expect(result.conversion.renumbered).toContain('not a whole number');
    expect(result.names).toEqual(['0001_earlier.up.sql', '0001_earlier.down.sql', '0002_later.up.sql']);
    expect(result.content['0001_earlier.up.sql']).toBe('-- sqlmig:no-transaction\nSELECT 2;\n');
    expect(result.leftOut).toEqual([['R__views.sql', true]]);
  });
});

describe('prisma', () => {
  it('reads one folder per migration and marks scripts with their own BEGIN as no-transaction', async () => {
    const dir = await folder({
      '20240101000000_init/migration.sql': 'CREATE TABLE t (a int);\n',
      '20240201000000_own/migration.sql': 'DO $$ BEGIN PERFORM 1; END $$;\nBEGIN;\nUPDATE t SET a = 1;\nCOMMIT;\n',
      'migration_lock.toml': 'provider = "postgresql"\n',
    });
    expect(detectLayout(dir)).toBe('prisma');
    const result = converted(dir);
    expect(result.names).toEqual(['20240101000000_init.up.sql', '20240201000000_own.up.sql']);
    expect(result.content['20240101000000_init.up.sql']).toBe('CREATE TABLE t (a int);\n');
    expect(result.content['20240201000000_own.up.sql']!.startsWith('-- sqlmig:no-transaction\nDO $$')).toBe(true);
    expect(result.leftOut).toEqual([['migration_lock.toml', false]]);
  });
});

describe('popx and pop', () => {
  it('popx: the .postgres. file replaces the neutral one, other dialects are left out, .autocommit. runs outside a transaction', async () => {
    const dir = await folder({
      '20150101000001000000_networks.up.sql': 'neutral',
      '20150101000001000000_networks.postgres.up.sql': 'CREATE TABLE n (id int);\n',
      '20150101000001000000_networks.mysql.up.sql': 'mysql',
      '20150101000001000000_networks.down.sql': 'DROP TABLE n;\n',
      '20150101000002000000_idx.postgres.autocommit.up.sql': 'CREATE INDEX CONCURRENTLY i ON n (id);\n',
    });
    expect(detectLayout(dir)).toBe('popx');
    const result = converted(dir);
    expect(result.conversion.renumbered).toContain('larger than');
    expect(result.names).toEqual(['0001_networks.up.sql', '0001_networks.down.sql', '0002_idx.up.sql']);
    expect(result.content['0001_networks.up.sql']).toBe('CREATE TABLE n (id int);\n');
    expect(result.content['0002_idx.up.sql']).toBe('-- sqlmig:no-transaction\nCREATE INDEX CONCURRENTLY i ON n (id);\n');
    expect(result.leftOut).toEqual([
      ['20150101000001000000_networks.mysql.up.sql', false],
      ['20150101000001000000_networks.up.sql', false],
    ]);
  });

  it('pop: fills {{ index .Options "Namespace" }} and leaves out other templates', async () => {
    const dir = await folder({
      '00_init.up.sql': 'CREATE SCHEMA IF NOT EXISTS {{ index .Options "Namespace" }};\n',
      '20210101000000_b.up.sql': 'CREATE TABLE {{index .Options "Namespace" }}.t (a int);\n',
      '20210201000000_c.up.sql': 'CREATE TABLE {{ .Other }}.t (a int);\n',
    });
    expect(detectLayout(dir)).toBe('pop');
    const result = converted(dir);
    expect(result.names).toEqual(['0001_init.up.sql', '0002_b.up.sql']);
    expect(result.content['0002_b.up.sql']).toBe('CREATE TABLE auth.t (a int);\n');
    expect(result.leftOut).toEqual([['20210201000000_c.up.sql', true]]);
  });
});

describe('files per direction', () => {
  it('golang-migrate is never guessed, pairs by version with any title characters', async () => {
    const dir = await folder({ '0002_1.7.0_schema.up.sql': 'SELECT 2;\n', '0001_init.up.sql': 'SELECT 1;\n', '0001_init.down.sql': 'SELECT -1;\n' });
    expect(detectLayout(dir)).toBe('sqlmig');
    expect(converted(dir, 'golang-migrate').names).toEqual(['0001_init.up.sql', '0001_init.down.sql', '0002_1_7_0_schema.up.sql']);
  });

  it('sqlx: -- no-transaction on the first line', async () => {
    const dir = await folder({ '1_a.up.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n' });
    expect(converted(dir, 'sqlx').content['1_a.up.sql']).toBe('-- sqlmig:no-transaction\n-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n');
  });

  it('concourse: two migrations of one version are both kept, a typo pair is joined, a down whose up is Go is left out', async () => {
    const dir = await folder({
      '100_b.up.sql': 'SELECT 1;\n',
      '100_b.down.sql': 'SELECT -1;\n',
      '100_a.up.sql': 'SELECT 2;\n',
      '200_add_jobs.up.sql': 'SELECT 3;\n',
      '200_add_job.down.sql': 'SELECT -3;\n',
      '300_go.down.sql': 'SELECT -4;\n',
      '300_go.up.go': 'package x',
    });
    const result = converted(dir, 'concourse-migration');
    expect(result.names).toEqual(['0001_a.up.sql', '0002_b.up.sql', '0002_b.down.sql', '0003_add_jobs.up.sql', '0003_add_jobs.down.sql']);
    expect(result.leftOut).toEqual([['300_go.down.sql', true], ['300_go.up.go', true]]);
  });

  it('rivermigrate: detected by its schema template, which is removed', async () => {
    const dir = await folder({ '001_a.up.sql': 'CREATE TABLE /* TEMPLATE: schema */river_job (id int);\n' });
    expect(detectLayout(dir)).toBe('rivermigrate');
    expect(converted(dir).content['001_a.up.sql']).toBe('CREATE TABLE river_job (id int);\n');
  });

  it('authelia-storage: V{NNNN}.{Name}.up.sql', async () => {
    const dir = await folder({ 'V0002.WebAuthn.up.sql': 'SELECT 2;\n', 'V0001.Initial_Schema.up.sql': 'SELECT 1;\n' });
    expect(detectLayout(dir)).toBe('authelia-storage');
    expect(converted(dir).names).toEqual(['0001_initial_schema.up.sql', '0002_webauthn.up.sql']);
  });

  it('a sqlmig folder stays sqlmig', async () => {
    const dir = await folder({ '0001_a.up.sql': 'SELECT 1;\n', 'sqlmig.sum': '' });
    expect(detectLayout(dir)).toBe('sqlmig');
  });
});

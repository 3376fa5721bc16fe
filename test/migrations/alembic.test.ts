import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertRevisions } from '../../src/migrations/alembic/convert.js';
import { readMarker } from '../../src/migrations/alembic/marker.js';
import { orderRevisions, RevisionOrderError } from '../../src/migrations/alembic/order.js';
import { readRevision } from '../../src/migrations/alembic/revision.js';

const versionsDir = fileURLToPath(new URL('../fixtures/alembic/versions/', import.meta.url));
const fixture = () => readdirSync(versionsDir).sort().map((name) => ({ path: join(versionsDir, name), text: readFileSync(join(versionsDir, name), 'utf8') }));

/** A revision file with the given header values and bodies. */
function revisionFile(revision: string, down: string, upgrade = '    pass', downgrade = '    pass'): string {
  return `from alembic import op\n\nrevision = '${revision}'\ndown_revision = ${down}\n\n\ndef upgrade():\n${upgrade}\n\n\ndef downgrade():\n${downgrade}\n`;
}

describe('import --from alembic: reading revision files', () => {
  it('reads revision, down_revision (plain, annotated, tuple) and the literal SQL of op.execute', () => {
    const files = fixture();
    const projects = readRevision('p.py', files.find((f) => f.path.endsWith('ae1027a6acf_create_projects.py'))!.text);
    expect(projects.revision).toBe('ae1027a6acf');
    expect(projects.downRevisions).toEqual(['1975ea83b712']);
    expect(projects.upgrade).toEqual({
      sql: [
        '\n        CREATE TABLE IF NOT EXISTS projects (\n            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n' +
          '            account_id bigint NOT NULL REFERENCES accounts (id),\n            title text NOT NULL\n        )\n    ',
        'CREATE INDEX IF NOT EXISTS projects_account_id_idx ON projects (account_id)',
      ],
    });
    const merge = readRevision('m.py', files.find((f) => f.path.endsWith('4c9d2e1f0a7b_merge_email_and_archived.py'))!.text);
    expect(merge.downRevisions).toEqual(['27c6a30d7c24', '3b1f0e2d9c8a']);
    expect(merge.upgrade).toEqual({ sql: [] });
  });

  it('joins adjacent literals as Python does, keeps raw strings raw and decodes escapes in the others', () => {
    const email = readRevision('e.py', fixture().find((f) => f.path.endsWith('27c6a30d7c24_add_accounts_email.py'))!.text);
    expect(email.upgrade).toEqual({
      sql: ['ALTER TABLE accounts ADD COLUMN IF NOT EXISTS email text', "COMMENT ON COLUMN accounts.email IS 'login address, e.g. a\\b@example.com'"],
    });
    const escaped = readRevision('x.py', revisionFile('a1', 'None', '    op.execute("SELECT \'tab\\there\', \'\\x41\', \'\\\\\'")'));
    expect(escaped.upgrade).toEqual({ sql: ["SELECT 'tab\there', 'A', '\\'"] });
  });

  it('names what is not literal SQL, with its line: op.add_column, Python logic, f-strings, bind parameters', () => {
    const archived = readRevision('a.py', fixture().find((f) => f.path.endsWith('3b1f0e2d9c8a_add_projects_archived.py'))!.text);
    expect(archived.upgrade).toMatchObject({ line: 19, reason: expect.stringContaining("`op.add_column('projects',") });
    expect(archived.downgrade).toMatchObject({ line: 23, reason: expect.stringContaining('is not an op.execute() call') });
    const logic = readRevision('l.py', revisionFile('a1', 'None', '    if True:\n        op.execute("SELECT 1")'));
    expect(logic.upgrade).toMatchObject({ line: 8, reason: expect.stringContaining('`if True:` is not an op.execute() call') });
    const fstring = readRevision('f.py', revisionFile('a1', 'None', '    op.execute(f"SELECT {x}")'));
    expect(fstring.upgrade).toMatchObject({ reason: expect.stringContaining('does not execute one literal SQL string') });
    const bind = readRevision('b.py', revisionFile('a1', 'None', '    op.execute("UPDATE t SET at = :now")'));
    expect(bind.upgrade).toMatchObject({ reason: expect.stringContaining('`:now`') });
    const casts = readRevision('c.py', revisionFile('a1', 'None', '    op.execute("SELECT \'10:30\'::time, \'\\\\:x\'")'));
    expect(casts.upgrade).toEqual({ sql: ["SELECT '10:30'::time, ':x'"] });
  });
});

describe('import --from alembic: order', () => {
  it('linearises a merge revision: its branches in down_revision order, then the merge', () => {
    const ordered = orderRevisions(fixture().map((f) => readRevision(f.path, f.text)));
    expect(ordered.map((r) => r.revision)).toEqual(['1975ea83b712', 'ae1027a6acf', '27c6a30d7c24', '3b1f0e2d9c8a', '4c9d2e1f0a7b', '5e8f7a6b4c3d']);
  });

  it('refuses several heads, naming them, and a revision of a missing parent', () => {
    const heads = [readRevision('a.py', revisionFile('a', 'None')), readRevision('b.py', revisionFile('b', "'a'")), readRevision('c.py', revisionFile('c', "'a'"))];
    expect(() => orderRevisions(heads)).toThrow(RevisionOrderError);
    expect(() => orderRevisions(heads)).toThrow(/2 heads \(b in b\.py, c in c\.py\)/);
    expect(() => orderRevisions([readRevision('b.py', revisionFile('b', "'zz'"))])).toThrow(/b\.py revises zz, which no file/);
  });
});

describe('import --from alembic: conversion', () => {
  it('numbers the revisions in order, marks each up file with its revision, and lists what it could not convert', () => {
    const result = convertRevisions(fixture());
    expect(result.migrations.map((m) => [m.version, m.name, m.up !== undefined, m.down !== undefined])).toEqual([
      [1, '1975ea83b712_create_accounts', true, true],
      [2, 'ae1027a6acf_create_projects', true, true],
      [3, '27c6a30d7c24_add_accounts_email', true, true],
      [4, '3b1f0e2d9c8a_add_projects_archived', false, false],
      [5, '4c9d2e1f0a7b_merge_email_and_archived', true, true],
      [6, '5e8f7a6b4c3d_create_tasks', true, true],
    ]);
    expect(result.migrations[1]!.up).toBe(
      '-- alembic revision ae1027a6acf revises 1975ea83b712\n' +
        'CREATE TABLE IF NOT EXISTS projects (\n            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n' +
        '            account_id bigint NOT NULL REFERENCES accounts (id),\n            title text NOT NULL\n        );\n\n' +
        'CREATE INDEX IF NOT EXISTS projects_account_id_idx ON projects (account_id);\n',
    );
    expect(readMarker(result.migrations[4]!.up!)).toEqual({ revision: '4c9d2e1f0a7b', revises: ['27c6a30d7c24', '3b1f0e2d9c8a'] });
    expect(result.unconverted.map((u) => [u.file.replace(/^.*\//, ''), u.line, u.what.slice(0, 30)])).toEqual([
      ['3b1f0e2d9c8a_add_projects_archived.py', 19, 'upgrade() is not only op.execu'],
      ['3b1f0e2d9c8a_add_projects_archived.py', 23, 'downgrade() is not only op.exe'],
    ]);
    expect(result.unconverted[0]!.hint).toBe(
      'convert it by hand, or with `alembic upgrade ae1027a6acf:3b1f0e2d9c8a --sql`, into 0004_3b1f0e2d9c8a_add_projects_archived.up.sql, ' +
        'whose first line must be `-- alembic revision 3b1f0e2d9c8a revises ae1027a6acf`',
    );
  });

  it('writes no down file for a downgrade() that runs nothing after an upgrade() that does, and says so', () => {
    const result = convertRevisions([{ path: 'a1_add.py', text: revisionFile('a1', 'None', '    op.execute("CREATE TABLE IF NOT EXISTS t (id int)")') }]);
    expect(result.migrations[0]!.down).toBeUndefined();
    expect(result.unconverted[0]!.what).toContain('downgrade() runs nothing, so no down file was written');
  });

  it('lists a .py file that is not a revision instead of dropping it', () => {
    const result = convertRevisions([...fixture(), { path: 'helpers.py', text: 'def helper():\n    return 1\n' }]);
    expect(result.unconverted.find((u) => u.file === 'helpers.py')).toMatchObject({ file: 'helpers.py', what: expect.stringContaining('this is not an Alembic revision file') });
  });
});

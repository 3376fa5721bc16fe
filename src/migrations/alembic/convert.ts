import { slugify } from '../filename.js';
import { migrationSlug } from '../scaffold.js';
import { formatMarker } from './marker.js';
import { orderRevisions } from './order.js';
import { readRevision, RevisionFileError, type AlembicRevision } from './revision.js';

/** A sqlmig migration drafted from a revision: the up file always, the down file when downgrade() converted. */
export interface ConvertedMigration {
  version: number;
  /** The version as file names spell it (`0004`). */
  digits: string;
  /** The revision's .py file. */
  file: string;
  name: string;
  revision: string;
  /** The up file's text; undefined when upgrade() is not only literal SQL (then it is in `unconverted`). */
  up?: string;
  down?: string;
}

/** Something the import could not convert, by file, with how to convert it. */
export interface Unconverted {
  file: string;
  line?: number;
  what: string;
  hint: string;
}

export interface AlembicImport {
  migrations: ConvertedMigration[];
  unconverted: Unconverted[];
}

/**
 * Alembic revision files → sqlmig migrations, numbered 1, 2, … in the order the revisions run (see
 * ./order.ts), each named after its file (which Alembic names `<revision>_<slug>.py`). Every up file starts
 * with the revision marker (./marker.ts), which maps `alembic_version` to the version at takeover. A revision
 * whose upgrade() or downgrade() is anything but op.execute() of literal SQL is listed, never dropped.
 * Throws RevisionOrderError when the revisions have no single order.
 */
export function convertRevisions(files: ReadonlyArray<{ path: string; text: string }>): AlembicImport {
  const unconverted: Unconverted[] = [];
  const revisions: AlembicRevision[] = [];
  for (const file of files) {
    try {
      revisions.push(readRevision(file.path, file.text));
    } catch (error) {
      if (!(error instanceof RevisionFileError)) throw error;
      unconverted.push({ file: file.path, line: error.line, what: `not read: ${error.message}`, hint: 'if it is a revision, convert it by hand; if not, move it out of the versions folder' });
    }
  }
  const ordered = orderRevisions(revisions);
  const width = Math.max(4, String(ordered.length).length);
  const migrations = ordered.map((revision, index): ConvertedMigration => {
    const version = index + 1;
    const name = migrationName(revision);
    const digits = String(version).padStart(width, '0');
    const fileBase = `${digits}_${name}`;
    const marker = formatMarker({ revision: revision.revision, revises: revision.downRevisions });
    const migration: ConvertedMigration = { version, digits, file: revision.file, name, revision: revision.revision };
    const from = revision.downRevisions.join(',') || 'base';
    if ('sql' in revision.upgrade) {
      migration.up = `${marker}\n${sqlText(revision.upgrade.sql)}`;
    } else {
      unconverted.push({
        file: revision.file,
        line: revision.upgrade.line,
        what: `upgrade() is not only op.execute() of literal SQL: ${revision.upgrade.reason}`,
        hint: `convert it by hand, or with \`alembic upgrade ${from}:${revision.revision} --sql\`, into ${fileBase}.up.sql, whose first line must be \`${marker}\``,
      });
    }
    const down = revision.downgrade;
    if ('sql' in down && down.sql.length === 0 && !('sql' in revision.upgrade && revision.upgrade.sql.length === 0)) {
      // A down file that runs nothing would let `sqlmig down` "revert" what the up file did without reverting it.
      unconverted.push({
        file: revision.file,
        what: 'downgrade() runs nothing, so no down file was written (`sqlmig down` refuses without one)',
        hint: `write ${fileBase}.down.sql by hand if the revision can be reverted`,
      });
    } else if ('sql' in down) {
      // Both empty (a merge revision): a down file that says so, which require-down accepts with its reason.
      migration.down =
        down.sql.length === 0 ? '-- sqlmig-disable require-down -- the revision runs nothing (a merge revision, or an empty upgrade)\n' : sqlText(down.sql);
    } else {
      unconverted.push({
        file: revision.file,
        line: down.line,
        what: `downgrade() is not only op.execute() of literal SQL: ${down.reason}`,
        hint: `convert it by hand, or with \`alembic downgrade ${revision.revision}:${from} --sql\`, into ${fileBase}.down.sql`,
      });
    }
    return migration;
  });
  return { migrations, unconverted };
}

/** `<revision>_<slug>` as Alembic names files; a file named otherwise gets the revision in front, so the takeover can find it by name too. */
function migrationName(revision: AlembicRevision): string {
  const base = slugify(revision.file.replace(/^.*[\\/]/, '').replace(/\.py$/, ''));
  const id = slugify(revision.revision) || 'revision';
  // The same cut as `import` applies to every name (at most 60 characters), so the hints name the file it expects.
  return migrationSlug(base === id || base.startsWith(`${id}_`) ? base : `${id}${base ? `_${base}` : ''}`);
}

/** Each statement as written (surrounding blank space trimmed, a missing `;` added), one blank line apart. */
function sqlText(statements: readonly string[]): string {
  if (statements.length === 0) return '-- the revision runs nothing (a merge revision, or an empty upgrade)\n';
  return `${statements.map((sql) => { const trimmed = sql.trim(); return trimmed.endsWith(';') ? trimmed : `${trimmed};`; }).join('\n\n')}\n`;
}

/**
 * The first line `import --from alembic` writes in each up file: which Alembic revision the migration is
 * and which revisions it revises. The takeover of `alembic_version` reads it back to map the revision the
 * database is at to a sqlmig version, and to know which migrations that revision descends from.
 */

export interface RevisionMarker {
  revision: string;
  /** The down_revision(s): none for a base revision, two or more for a merge. */
  revises: string[];
}

const MARKER = /^-- alembic revision (\S+)(?: revises (\S+(?:, \S+)*))?[ \t]*\r?$/;

export function formatMarker(marker: RevisionMarker): string {
  return `-- alembic revision ${marker.revision}${marker.revises.length > 0 ? ` revises ${marker.revises.join(', ')}` : ''}`;
}

/** The marker on the first line of `text`, if it has one. */
export function readMarker(text: string): RevisionMarker | undefined {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  const match = MARKER.exec(firstLine);
  if (!match) return undefined;
  return { revision: match[1]!, revises: match[2] ? match[2].split(', ') : [] };
}

import type { AlembicRevision } from './revision.js';

export class RevisionOrderError extends Error {}

/**
 * The revisions in the order they run: each after its down_revision(s) and depends_on. With one head, a
 * merge revision's branches are placed one after the other in the order its down_revision tuple names them
 * (depth first from the head), so the order is fixed by the files alone. Several heads have no single
 * order: the error names them.
 */
export function orderRevisions(revisions: readonly AlembicRevision[]): AlembicRevision[] {
  const byId = new Map<string, AlembicRevision>();
  for (const revision of revisions) {
    const other = byId.get(revision.revision);
    if (other) throw new RevisionOrderError(`${other.file} and ${revision.file} are both revision ${revision.revision}`);
    byId.set(revision.revision, revision);
  }
  const referenced = new Set<string>();
  for (const revision of revisions) {
    for (const parent of [...revision.downRevisions, ...revision.dependsOn]) {
      if (!byId.has(parent)) throw new RevisionOrderError(`${revision.file} revises ${parent}, which no file in the folder is`);
      referenced.add(parent);
    }
  }
  const heads = revisions.filter((revision) => !referenced.has(revision.revision));
  if (heads.length > 1) {
    throw new RevisionOrderError(
      `the revisions have ${heads.length} heads (${heads.map((head) => `${head.revision} in ${head.file}`).join(', ')}), so they have no single order: ` +
        'merge them first (`alembic merge heads`)',
    );
  }
  if (heads.length === 0 && revisions.length > 0) throw new RevisionOrderError('the revisions revise each other in a cycle: there is no head');

  const ordered: AlembicRevision[] = [];
  const done = new Set<string>();
  const onPath = new Set<string>();
  // Iterative depth-first walk (histories run to thousands of revisions): emit a revision after its parents.
  const stack: Array<{ revision: AlembicRevision; next: number }> = heads.map((revision) => ({ revision, next: 0 }));
  if (heads[0]) onPath.add(heads[0].revision);
  while (stack.length > 0) {
    const top = stack.at(-1)!;
    const parents = [...top.revision.downRevisions, ...top.revision.dependsOn];
    if (top.next < parents.length) {
      const parent = byId.get(parents[top.next++]!)!;
      if (done.has(parent.revision)) continue;
      if (onPath.has(parent.revision)) throw new RevisionOrderError(`the revisions revise each other in a cycle through ${parent.revision} (${parent.file})`);
      onPath.add(parent.revision);
      stack.push({ revision: parent, next: 0 });
      continue;
    }
    stack.pop();
    onPath.delete(top.revision.revision);
    done.add(top.revision.revision);
    ordered.push(top.revision);
  }
  // A cycle off the head's ancestry leaves revisions unreached.
  if (ordered.length < revisions.length) throw new RevisionOrderError('some revisions revise each other in a cycle: they have no order');
  return ordered;
}

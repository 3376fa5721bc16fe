import type { RevisionMarker } from '../../migrations/alembic/marker.js';
import type { Migration } from '../../migrations/types.js';
import { commonRefusals, type PlanInput } from '../plan.js';
import type { PlanStep, Refusal } from '../types.js';
import type { OldHistory, ToolTable } from './tools.js';

/** What the takeover compares: the old tool's history, the folder, sqlmig's own rows. */
export interface TakeoverInput extends PlanInput {
  tool: ToolTable;
  /** Where the rows were read from, for messages (`public.goose_db_version`). */
  tableName: string;
  history: OldHistory;
  /** Alembic only: the revision marker of each up file that has one, by version. */
  markers?: ReadonlyMap<number, RevisionMarker>;
  /**
   * The sqlmig version of each of the tool's versions, from the `import` that wrote the folder (which
   * numbers them 1, 2, … when the tool's versions cannot be sqlmig's); default: the tool's version as a number.
   */
  versions?: ReadonlyMap<string, number>;
}

export interface TakeoverPlan {
  /** The migrations to record as applied, in version order (those sqlmig already records are left out). */
  steps: PlanStep[];
  /** Non-empty means: record nothing. */
  refusals: Refusal[];
  /** Worth saying, but no reason to refuse: pending migrations older than the newest taken over, left-out rows. */
  notes: string[];
}

/**
 * Old history + files + sqlmig's rows → the rows to record, or refusals. Pure. Refuses when the old table
 * says dirty or failed, when it records a migration the folder does not have, and for everything `stamp`
 * refuses (broken file set, a dirty sqlmig row).
 */
export function planTakeover(input: TakeoverInput): TakeoverPlan {
  const refusals: Refusal[] = commonRefusals(input);
  for (const problem of input.history.problems) refusals.push({ kind: 'old-history', message: problem.message, hint: problem.hint });
  if (input.history.problems.length > 0) return { steps: [], refusals, notes: input.history.notes };

  const withUp = input.set.migrations.filter((m) => m.up).sort((a, b) => a.version - b.version);
  const locate = input.tool.tool === 'alembic' ? alembicLocator(withUp, input.markers ?? new Map()) : numericLocator(input.tool, withUp, input.versions);
  const taken = new Map<number, Migration>();
  for (const id of input.history.applied) {
    const found = locate(id);
    if ('migration' in found) taken.set(found.migration.version, found.migration);
    else refusals.push(notInFolder(input, id, found.reason));
  }
  if (input.history.through !== undefined) {
    const found = locate(input.history.through);
    if ('migration' in found) {
      if (input.tool.tool === 'alembic') {
        const ancestry = alembicAncestry(found.migration, withUp, input.markers ?? new Map(), locate);
        for (const m of ancestry.migrations) taken.set(m.version, m);
        for (const revision of ancestry.missing) refusals.push(notInFolder(input, revision, `no file has the marker \`-- alembic revision ${revision}\` (${input.history.through} descends from it)`));
      } else {
        for (const m of withUp) if (m.version <= found.migration.version) taken.set(m.version, m);
      }
    } else {
      refusals.push(notInFolder(input, input.history.through, found.reason));
    }
  }

  const recorded = new Set(input.applied.map((row) => row.version));
  const steps = [...taken.values()]
    .filter((m) => !recorded.has(m.version))
    .sort((a, b) => a.version - b.version)
    .map((m): PlanStep => ({ direction: 'up', version: m.version, name: m.name, file: m.up! }));
  const notes = [...input.history.notes];
  const newest = Math.max(0, ...taken.keys(), ...recorded);
  const behind = withUp.filter((m) => m.version < newest && !taken.has(m.version) && !recorded.has(m.version));
  if (behind.length > 0) {
    notes.push(
      `${input.tableName} does not record ${behind.map((m) => m.up!.fileName).join(', ')}, which ${behind.length === 1 ? 'is' : 'are'} older than the newest migration it records: ` +
        '`sqlmig up` refuses to run them out of order (`sqlmig stamp <version>` if the database has them, `--allow-out-of-order` if it does not)',
    );
  }
  return { steps, refusals, notes };
}

type Located = { migration: Migration } | { reason: string };

function numericLocator(tool: ToolTable, migrations: readonly Migration[], versions?: ReadonlyMap<string, number>): (id: string) => Located {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  // The folder spells a version as the tool's files do (diesel `2024-01-01-120000`), the table as the tool records it (`20240101120000`).
  const imported = new Map<string, number>();
  for (const [spelled, version] of versions ?? []) {
    imported.set(spelled, version);
    const recorded = tool.versionOf(spelled);
    if ('digits' in recorded && !imported.has(recorded.digits)) imported.set(recorded.digits, version);
  }
  return (id) => {
    const mapped = tool.versionOf(id);
    const importedVersion = imported.get(id) ?? ('digits' in mapped ? imported.get(mapped.digits) : undefined);
    if (importedVersion !== undefined) {
      const migration = byVersion.get(importedVersion);
      return migration ? { migration } : { reason: `no migration in the folder has version ${importedVersion}, which import gave it` };
    }
    if ('reason' in mapped) return mapped;
    const version = Number(mapped.digits);
    if (!Number.isSafeInteger(version)) return { reason: `version ${mapped.digits} is larger than sqlmig versions go (${Number.MAX_SAFE_INTEGER})` };
    const migration = byVersion.get(version);
    return migration ? { migration } : { reason: `no migration in the folder has version ${version}` };
  };
}

/** A revision is the file whose marker names it; failing that, the file whose name starts with the revision (a file converted by hand). */
function alembicLocator(migrations: readonly Migration[], markers: ReadonlyMap<number, RevisionMarker>): (id: string) => Located {
  return (id) => {
    const marked = migrations.find((m) => markers.get(m.version)?.revision === id);
    if (marked) return { migration: marked };
    const prefix = id.toLowerCase().replace(/[^a-z0-9]+/g, '_');
    const named = migrations.filter((m) => m.name === prefix || m.name.startsWith(`${prefix}_`));
    if (named.length === 1) return { migration: named[0]! };
    return { reason: named.length > 1 ? `${named.length} files are named after revision ${id}` : `no file has the marker \`-- alembic revision ${id}\`` };
  };
}

/**
 * The migrations `head` descends from, by the markers' down_revisions; a file without a marker (converted by
 * hand) is taken to revise the migration before it, as the import ordered them.
 */
function alembicAncestry(
  head: Migration,
  migrations: readonly Migration[],
  markers: ReadonlyMap<number, RevisionMarker>,
  locate: (revision: string) => Located,
): { migrations: Migration[]; missing: string[] } {
  const missing: string[] = [];
  const parents = (m: Migration): Migration[] => {
    const marker = markers.get(m.version);
    if (!marker) {
      const index = migrations.indexOf(m);
      return index > 0 ? [migrations[index - 1]!] : [];
    }
    return marker.revises.flatMap((revision) => {
      const parent = locate(revision);
      if ('migration' in parent) return [parent.migration];
      if (!missing.includes(revision)) missing.push(revision);
      return [];
    });
  };
  const seen = new Map<number, Migration>([[head.version, head]]);
  const queue = [head];
  while (queue.length > 0) {
    for (const parent of parents(queue.pop()!)) {
      if (seen.has(parent.version)) continue;
      seen.set(parent.version, parent);
      queue.push(parent);
    }
  }
  return { migrations: [...seen.values()], missing };
}

function notInFolder(input: TakeoverInput, id: string, reason: string): Refusal {
  return {
    kind: 'missing-file',
    message: `${input.tableName} records ${id} as applied, but ${reason}`,
    hint:
      input.tool.tool === 'alembic'
        ? 'import the versions folder first (`sqlmig import --from alembic <versions dir>`), and convert the revisions it lists by hand'
        : `import the ${input.tool.tool} folder and take over in one step: \`sqlmig import <dir> --from ${input.tool.tool} --history\` ` +
          "(needed when import numbered the versions 1, 2, …, as it says), or restore the migration's files"
  };
}

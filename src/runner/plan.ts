import { join } from 'node:path';
import type { FileProblem, Migration, MigrationSet } from '../migrations/types.js';
import type { AppliedMigration, Plan, PlanStep, Refusal } from './types.js';

/** What the planner looks at: the files, their up-file checksums, the tracking rows. */
export interface PlanInput {
  set: MigrationSet;
  /** sha256 hex of each up file, by version. */
  checksums: ReadonlyMap<number, string>;
  applied: readonly AppliedMigration[];
  /** Why versions are positions in another tool's order (see RunnerOptions.renumbered); undefined: they are the files' own. */
  renumbered?: string;
}

export type PlanOptions =
  | { direction: 'up'; to?: number; step?: number; allowOutOfOrder?: boolean }
  | { direction: 'down'; to?: number; step?: number };

/**
 * Files + applied rows + options → steps, or refusals. Pure: every check
 * `up`/`down` make before touching the database happens here, and all
 * refusals are collected so one run shows every problem.
 */
export function plan(input: PlanInput, options: PlanOptions): Plan {
  return options.direction === 'up' ? planUp(input, options) : planDown(input, options);
}

/** Everything `up` refuses for, whatever the target: what `validate` reports. */
export function upRefusals(input: PlanInput, allowOutOfOrder = false): Refusal[] {
  const refusals = commonRefusals(input);
  const byVersion = migrationsByVersion(input.set);
  // A shifted numbering makes every later row look edited or missing: the one refusal that says why is enough.
  const shifted = refusals.some((refusal) => refusal.kind === 'renumbered');
  for (const row of shifted ? [] : input.applied) {
    const migration = byVersion.get(row.version);
    const current = input.checksums.get(row.version);
    if (!migration?.up || current === undefined) {
      refusals.push({
        kind: 'missing-file',
        version: row.version,
        file: migration?.down ? siblingPath(migration.down.path, 'up') : expectedPath(input.set.dir, row, 'up'),
        message: `version ${row.version} (${row.name}) was applied on ${row.appliedAt.toISOString()} but its up file is missing`,
        hint: 'restore the file from version control: applied migrations stay in the folder for good',
      });
    } else if (current !== row.checksum) {
      refusals.push({
        kind: 'edited',
        version: row.version,
        file: migration.up.path,
        message: `applied migration ${row.version} was edited: its checksum (${short(current)}) differs from the one recorded when it was applied (${short(row.checksum)})`,
        hint: 'restore the applied content (see `git log -p` of the file) and put the change in a new migration: `sqlmig new <description>`',
      });
    }
  }
  if (!allowOutOfOrder) {
    const newest = newestApplied(input.applied);
    for (const migration of pending(input)) {
      if (newest === undefined || migration.version >= newest.version) continue;
      refusals.push({
        kind: 'out-of-order',
        version: migration.version,
        file: migration.up!.path,
        message:
          `pending version ${migration.version} is older than the newest applied version ${newest.version} (${newest.name}): ` +
          'this looks like a lost tracking row (deleted by hand, or restored from an older backup)',
        // Renaming an applied data migration to a later version would run it a second time.
        hint:
          `if the database already has what ${migration.up!.fileName} does, record it without running it: ` +
          `\`sqlmig stamp ${migration.version}\` (do not rename it to a later version: that runs it again); ` +
          `if it is a new migration from a merged branch, give it a version after ${newest.version}, ` +
          'or pass --allow-out-of-order if it does not depend on the newer migrations',
      });
    }
  }
  return refusals;
}

function planUp(input: PlanInput, options: Extract<PlanOptions, { direction: 'up' }>): Plan {
  const refusals = upRefusals(input, options.allowOutOfOrder);
  let steps = pending(input);
  if (options.to !== undefined) {
    const target = options.to;
    if (!input.set.migrations.some((m) => m.version === target && m.up)) refusals.push(unknownVersion(target));
    steps = steps.filter((m) => m.version <= target);
  }
  if (options.step !== undefined) steps = steps.slice(0, options.step);
  return { direction: 'up', steps: steps.map((m) => ({ direction: 'up', version: m.version, name: m.name, file: m.up! })), refusals };
}

function planDown(input: PlanInput, options: Extract<PlanOptions, { direction: 'down' }>): Plan {
  const refusals = commonRefusals(input);
  const newestFirst = [...input.applied].sort((a, b) => b.version - a.version);
  let targets: AppliedMigration[];
  if (options.to !== undefined) {
    const target = options.to;
    const known = target === 0 || newestFirst.some((row) => row.version === target) || input.set.migrations.some((m) => m.version === target);
    if (!known) refusals.push(unknownVersion(target));
    targets = newestFirst.filter((row) => row.version > target);
  } else {
    targets = newestFirst.slice(0, options.step ?? 1);
  }
  const steps: PlanStep[] = [];
  const byVersion = migrationsByVersion(input.set);
  for (const row of targets) {
    const down = byVersion.get(row.version)?.down;
    if (down) steps.push({ direction: 'down', version: row.version, name: row.name, file: down });
    else refusals.push(noDownFile(input, row));
  }
  return { direction: 'down', steps, refusals };
}

/** `redo`: revert the newest applied migration and apply its (current) up file again. */
export function planRedo(input: PlanInput): Plan {
  const refusals = commonRefusals(input);
  const newest = newestApplied(input.applied);
  if (!newest) return { direction: 'redo', steps: [], refusals };
  const migration = migrationsByVersion(input.set).get(newest.version);
  const steps: PlanStep[] = [];
  if (!migration?.down) refusals.push(noDownFile(input, newest));
  if (!migration?.up) {
    refusals.push({
      kind: 'missing-file',
      version: newest.version,
      file: expectedPath(input.set.dir, newest, 'up'),
      message: `cannot apply version ${newest.version} (${newest.name}) again: its up file is missing`,
      hint: 'restore the file from version control',
    });
  }
  if (migration?.up && migration.down) {
    steps.push({ direction: 'down', version: newest.version, name: newest.name, file: migration.down });
    steps.push({ direction: 'up', version: migration.version, name: migration.name, file: migration.up });
  }
  return { direction: 'redo', steps, refusals };
}

/**
 * `stamp <version>`: record every pending migration up to `version` as
 * applied without running it (baselining a database built another way).
 */
export function planStamp(input: PlanInput, version: number): Plan {
  const refusals = commonRefusals(input);
  if (!input.set.migrations.some((m) => m.version === version && m.up)) refusals.push(unknownVersion(version, 'stamp'));
  const steps = pending(input)
    .filter((m) => m.version <= version)
    .map((m): PlanStep => ({ direction: 'up', version: m.version, name: m.name, file: m.up! }));
  return { direction: 'up', steps, refusals };
}

/** A problem of the file set (name, duplicate version, down file without up file) as a refusal. */
export function fileProblemRefusal(problem: FileProblem): Refusal {
  return {
    kind: 'file-problem',
    file: problem.path,
    message: problem.message,
    hint: problem.hint ?? 'fix the file name (NNNN_description.up.sql / .down.sql) or move the file out of the folder',
  };
}

/** Refused in every direction: broken file sets and dirty rows. */
export function commonRefusals(input: PlanInput): Refusal[] {
  const refusals: Refusal[] = input.set.problems.map(fileProblemRefusal);
  const byVersion = migrationsByVersion(input.set);
  for (const row of input.applied) {
    if (!row.dirty) continue;
    const migration = byVersion.get(row.version);
    refusals.push({
      kind: 'dirty',
      version: row.version,
      file: migration?.up?.path ?? expectedPath(input.set.dir, row, 'up'),
      message: `version ${row.version} (${row.name}) is dirty: it ran outside a transaction and did not finish, so the database may be partly migrated`,
      hint:
        `check the database and finish or undo what the file did by hand, then run \`sqlmig resolve ${row.version} --applied\` ` +
        `(it took effect) or \`sqlmig resolve ${row.version} --rolled-back\` (it did not)`,
    });
  }
  const shifted = input.renumbered === undefined ? undefined : shiftedNumbering(input, byVersion);
  if (shifted) refusals.push(shifted);
  return refusals;
}

/**
 * With versions that are positions, an applied row whose position now holds a file of another name or
 * content: a migration was added or removed before it, so running or reverting "by version" would
 * run the wrong file (down checks no checksum). One refusal, at the first such row.
 */
function shiftedNumbering(input: PlanInput, byVersion: Map<number, Migration>): Refusal | undefined {
  const rows = [...input.applied].sort((a, b) => a.version - b.version);
  const changed = rows.filter((row) => {
    const migration = byVersion.get(row.version);
    return !migration?.up || migration.name !== row.name || input.checksums.get(row.version) !== row.checksum;
  });
  const first = changed[0];
  if (!first) return undefined;
  const now = byVersion.get(first.version);
  const was = now?.up ? (now.name === first.name ? `its file's content changed (${now.up.fileName})` : `it is now ${now.up.fileName}`) : 'no file has it now';
  return {
    kind: 'renumbered',
    version: first.version,
    file: now?.up?.path,
    message:
      `the recorded history no longer matches the files: versions here are positions in the tool's order (${input.renumbered}), ` +
      `and version ${first.version} was applied as ${first.name} but ${was}` +
      (changed.length > 1 ? `; ${changed.length - 1} later applied ${changed.length === 2 ? 'row differs' : 'rows differ'} too` : '') +
      ': a migration was added or removed before applied ones (or an applied one was edited), so every later number means another migration',
    hint:
      'restore the folder as it was when these were applied (a new migration goes after the newest one), then `sqlmig import` the folder once ' +
      'and use sqlmig from the imported folder from then on (README: "Versions numbered by position")',
  };
}

function pending(input: PlanInput): Migration[] {
  const applied = new Set(input.applied.map((row) => row.version));
  return input.set.migrations.filter((m) => m.up && !applied.has(m.version)).sort((a, b) => a.version - b.version);
}

function newestApplied(applied: readonly AppliedMigration[]): AppliedMigration | undefined {
  let newest: AppliedMigration | undefined;
  for (const row of applied) if (!newest || row.version > newest.version) newest = row;
  return newest;
}

function migrationsByVersion(set: MigrationSet): Map<number, Migration> {
  return new Map(set.migrations.map((m) => [m.version, m]));
}

function noDownFile(input: PlanInput, row: AppliedMigration): Refusal {
  const up = migrationsByVersion(input.set).get(row.version)?.up;
  return {
    kind: 'no-down-file',
    version: row.version,
    file: up ? siblingPath(up.path, 'down') : expectedPath(input.set.dir, row, 'down'),
    message: `cannot revert version ${row.version} (${row.name}): it has no down file`,
    hint: 'write the down file (it must undo the up file), or revert by hand and delete its row from the tracking table',
  };
}

function unknownVersion(version: number, what = '--to'): Refusal {
  return {
    kind: 'unknown-version',
    version,
    message: `${what} ${version}: no migration has this version`,
    hint: 'pass the version of an existing migration (see `sqlmig status`)',
  };
}

/** Where a file for an applied row would be; versions are shown padded as `sqlmig new` writes them. */
function expectedPath(dir: string, row: { version: number; name: string }, direction: 'up' | 'down'): string {
  return join(dir, `${String(row.version).padStart(4, '0')}_${row.name}.${direction}.sql`);
}

function siblingPath(path: string, direction: 'up' | 'down'): string {
  return path.replace(/\.(up|down)\.sql$/, `.${direction}.sql`);
}

function short(checksum: string): string {
  return checksum.slice(0, 12);
}

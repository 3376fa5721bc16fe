import { describe, expect, it } from 'vitest';
import type { FileProblem, Migration, MigrationSet } from '../../src/migrations/types.js';
import { plan, planRedo, planStamp, upRefusals, type PlanInput, type PlanOptions } from '../../src/runner/plan.js';
import type { AppliedMigration, RefusalKind } from '../../src/runner/types.js';

const DIR = '/project/sql';

/** A set with up+down pairs for `versions`; `noDown` lists versions without a down file. */
function migrationSet(versions: number[], options: { noDown?: number[]; problems?: FileProblem[] } = {}): MigrationSet {
  const migrations: Migration[] = versions.map((version) => {
    const name = `m${version}`;
    const base = `${String(version).padStart(4, '0')}_${name}`;
    const file = (direction: 'up' | 'down') => ({
      version,
      name,
      direction,
      fileName: `${base}.${direction}.sql`,
      path: `${DIR}/${base}.${direction}.sql`,
    });
    return { version, name, up: file('up'), down: options.noDown?.includes(version) ? undefined : file('down') };
  });
  return { dir: DIR, migrations, problems: options.problems ?? [] };
}

function row(version: number, overrides: Partial<AppliedMigration> = {}): AppliedMigration {
  return {
    version,
    name: `m${version}`,
    checksum: `sum${version}`,
    appliedAt: new Date('2024-01-01T00:00:00Z'),
    durationMs: 1,
    appliedBy: 'ci@host',
    dirty: false,
    ...overrides,
  };
}

function input(files: number[], applied: AppliedMigration[], options: { noDown?: number[]; problems?: FileProblem[]; checksums?: Record<number, string> } = {}): PlanInput {
  const set = migrationSet(files, options);
  const checksums = new Map(files.map((v) => [v, options.checksums?.[v] ?? `sum${v}`]));
  return { set, checksums, applied };
}

const versionsOf = (steps: { version: number }[]) => steps.map((s) => s.version);

describe('plan: steps', () => {
  const cases: Array<{ name: string; input: PlanInput; options: PlanOptions; steps: number[]; direction?: 'up' | 'down' }> = [
    { name: 'up applies every pending migration in order', input: input([1, 2, 3], []), options: { direction: 'up' }, steps: [1, 2, 3] },
    { name: 'up skips applied ones', input: input([1, 2, 3], [row(1)]), options: { direction: 'up' }, steps: [2, 3] },
    { name: 'up with nothing pending is empty', input: input([1, 2], [row(1), row(2)]), options: { direction: 'up' }, steps: [] },
    { name: 'up --to V stops at V inclusive', input: input([1, 2, 3, 4], [row(1)]), options: { direction: 'up', to: 3 }, steps: [2, 3] },
    { name: 'up --to an applied version is empty', input: input([1, 2, 3], [row(1), row(2)]), options: { direction: 'up', to: 2 }, steps: [] },
    { name: 'up --step N applies N', input: input([1, 2, 3, 4], []), options: { direction: 'up', step: 2 }, steps: [1, 2] },
    { name: 'up --step larger than pending', input: input([1, 2], []), options: { direction: 'up', step: 5 }, steps: [1, 2] },
    {
      name: 'up --allow-out-of-order applies the older pending version too, in version order',
      input: input([1, 2, 3], [row(1), row(3)]),
      options: { direction: 'up', allowOutOfOrder: true },
      steps: [2],
    },
    { name: 'versions compare numerically', input: input([9, 10, 100], [row(9)]), options: { direction: 'up' }, steps: [10, 100] },
    { name: 'down reverts one by default, the newest', input: input([1, 2, 3], [row(1), row(2), row(3)]), options: { direction: 'down' }, steps: [3] },
    { name: 'down --step N reverts N newest first', input: input([1, 2, 3], [row(1), row(2), row(3)]), options: { direction: 'down', step: 2 }, steps: [3, 2] },
    { name: 'down --to V reverts everything newer than V', input: input([1, 2, 3, 4], [row(1), row(2), row(3), row(4)]), options: { direction: 'down', to: 2 }, steps: [4, 3] },
    { name: 'down --to 0 reverts all', input: input([1, 2, 3], [row(1), row(2), row(3)]), options: { direction: 'down', to: 0 }, steps: [3, 2, 1] },
    { name: 'down with nothing applied is empty', input: input([1, 2], []), options: { direction: 'down' }, steps: [] },
    { name: 'down of an edited migration is allowed (its down file runs)', input: input([1], [row(1, { checksum: 'old' })]), options: { direction: 'down' }, steps: [1] },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const result = plan(testCase.input, testCase.options);
      expect(result.refusals).toEqual([]);
      expect(versionsOf(result.steps)).toEqual(testCase.steps);
      for (const step of result.steps) {
        expect(step.direction).toBe(testCase.options.direction);
        expect(step.file.direction).toBe(testCase.options.direction);
      }
    });
  }
});

describe('plan: refusals', () => {
  const problem: FileProblem = { kind: 'duplicate-version', path: `${DIR}/0001_other.up.sql`, message: 'version 1 is used twice' };
  const cases: Array<{ name: string; input: PlanInput; options: PlanOptions; kinds: RefusalKind[]; file?: string; says: RegExp }> = [
    {
      name: 'an applied migration whose file changed',
      input: input([1, 2], [row(1)], { checksums: { 1: 'edited' } }),
      options: { direction: 'up' },
      kinds: ['edited'],
      file: `${DIR}/0001_m1.up.sql`,
      says: /edited.*sqlmig new/s,
    },
    {
      name: 'an applied version whose file is missing',
      input: input([2], [row(1)]),
      options: { direction: 'up' },
      kinds: ['missing-file'],
      file: `${DIR}/0001_m1.up.sql`,
      says: /missing.*restore/s,
    },
    {
      name: 'a pending version older than the newest applied one',
      input: input([1, 2, 3], [row(1), row(3)]),
      options: { direction: 'up' },
      kinds: ['out-of-order'],
      file: `${DIR}/0002_m2.up.sql`,
      says: /older than the newest applied version 3.*--allow-out-of-order/s,
    },
    {
      name: 'a dirty row blocks up',
      input: input([1, 2], [row(1, { dirty: true })]),
      options: { direction: 'up' },
      kinds: ['dirty'],
      file: `${DIR}/0001_m1.up.sql`,
      says: /dirty.*sqlmig resolve 1 --applied.*sqlmig resolve 1 --rolled-back/s,
    },
    {
      name: 'a dirty row blocks down',
      input: input([1, 2], [row(1), row(2, { dirty: true })]),
      options: { direction: 'down' },
      kinds: ['dirty'],
      says: /sqlmig resolve 2/,
    },
    {
      name: 'down of a migration without a down file',
      input: input([1, 2], [row(1), row(2)], { noDown: [2] }),
      options: { direction: 'down' },
      kinds: ['no-down-file'],
      file: `${DIR}/0002_m2.down.sql`,
      says: /no down file.*write the down file/s,
    },
    {
      name: 'down of an applied version with no files at all',
      input: input([1], [row(1), row(2)]),
      options: { direction: 'down' },
      kinds: ['no-down-file'],
      file: `${DIR}/0002_m2.down.sql`,
      says: /cannot revert version 2/,
    },
    {
      name: 'a broken file set (duplicate versions)',
      input: input([1], [], { problems: [problem] }),
      options: { direction: 'up' },
      kinds: ['file-problem'],
      file: problem.path,
      says: /used twice/,
    },
    { name: 'up --to an unknown version', input: input([1, 2], []), options: { direction: 'up', to: 7 }, kinds: ['unknown-version'], says: /--to 7/ },
    { name: 'down --to an unknown version', input: input([1, 2], [row(1)]), options: { direction: 'down', to: 7 }, kinds: ['unknown-version'], says: /--to 7/ },
  ];
  for (const testCase of cases) {
    it(`refuses ${testCase.name}`, () => {
      const result = plan(testCase.input, testCase.options);
      expect(result.refusals.map((r) => r.kind)).toEqual(testCase.kinds);
      const refusal = result.refusals[0]!;
      if (testCase.file) expect(refusal.file).toBe(testCase.file);
      expect(`${refusal.message}\n${refusal.hint}`).toMatch(testCase.says);
    });
  }

  it('collects every refusal, not just the first', () => {
    const result = plan(input([1, 2, 4, 5], [row(1, { dirty: true }), row(3), row(4)], { checksums: { 4: 'changed' } }), { direction: 'up' });
    expect(result.refusals.map((r) => r.kind).sort()).toEqual(['dirty', 'edited', 'missing-file', 'out-of-order']);
  });

  it('validate reports the up refusals whatever the target', () => {
    expect(upRefusals(input([1, 2, 3], [row(1), row(3)])).map((r) => r.kind)).toEqual(['out-of-order']);
    expect(upRefusals(input([1, 2, 3], [row(1), row(3)]), true)).toEqual([]);
  });
});

describe('planRedo', () => {
  it('reverts the newest applied migration and applies it again', () => {
    const result = planRedo(input([1, 2, 3], [row(1), row(2)]));
    expect(result.refusals).toEqual([]);
    expect(result.steps.map((s) => [s.direction, s.version])).toEqual([
      ['down', 2],
      ['up', 2],
    ]);
  });

  it('does nothing when nothing is applied', () => {
    expect(planRedo(input([1], []))).toEqual({ direction: 'redo', steps: [], refusals: [] });
  });

  it('refuses without a down file, or while dirty', () => {
    expect(planRedo(input([1], [row(1)], { noDown: [1] })).refusals.map((r) => r.kind)).toEqual(['no-down-file']);
    expect(planRedo(input([1], [row(1, { dirty: true })])).refusals.map((r) => r.kind)).toEqual(['dirty']);
  });
});

describe('planStamp', () => {
  it('records every pending migration up to the version, out-of-order ones included', () => {
    const result = planStamp(input([1, 2, 3, 4], [row(2)]), 3);
    expect(result.refusals).toEqual([]);
    expect(versionsOf(result.steps)).toEqual([1, 3]);
  });

  it('refuses an unknown version and a dirty row', () => {
    expect(planStamp(input([1, 2], []), 5).refusals.map((r) => r.kind)).toEqual(['unknown-version']);
    expect(planStamp(input([1, 2], [row(1, { dirty: true })]), 2).refusals.map((r) => r.kind)).toEqual(['dirty']);
  });
});

describe('plan: versions that are positions (in place, renumbered)', () => {
  const why = 'version 1.1 is not a whole number';
  /** Files 1..3 named m1, inserted, m2: a migration inserted at position 2 after m1 and m2 were applied as 1 and 2. */
  function shifted(): PlanInput {
    const base = input([1, 2, 3], [row(1), row(2)]);
    const [first, second, third] = base.set.migrations as [Migration, Migration, Migration];
    const rename = (migration: Migration, name: string): Migration => ({
      ...migration,
      name,
      up: { ...migration.up!, name, fileName: `000${migration.version}_${name}.up.sql` },
      down: { ...migration.down!, name, fileName: `000${migration.version}_${name}.down.sql` },
    });
    const set = { ...base.set, migrations: [first, rename(second, 'inserted'), rename(third, 'm2')] };
    return { ...base, set, checksums: new Map([[1, 'sum1'], [2, 'sumInserted'], [3, 'sum2']]), renumbered: why };
  }

  it('up, down, redo and stamp refuse with one renumbered refusal at the first shifted row, naming why and the way out', () => {
    const refusedBy = [
      plan(shifted(), { direction: 'up' }).refusals,
      plan(shifted(), { direction: 'down' }).refusals,
      planRedo(shifted()).refusals,
      planStamp(shifted(), 3).refusals,
    ];
    for (const refusals of refusedBy) {
      expect(refusals.map((r) => [r.kind, r.version])).toEqual([['renumbered', 2]]);
      expect(refusals[0]!.message).toContain(`version 2 was applied as m2 but it is now 0002_inserted.up.sql`);
      expect(refusals[0]!.message).toContain(why);
      expect(refusals[0]!.hint).toContain('sqlmig import');
    }
  });

  it('an edited applied file is refused too when versions are positions (down checks no checksum otherwise)', () => {
    const edited = { ...input([1, 2], [row(1), row(2)], { checksums: { 2: 'changed' } }), renumbered: why };
    const refusals = plan(edited, { direction: 'down' }).refusals;
    expect(refusals.map((r) => [r.kind, r.version])).toEqual([['renumbered', 2]]);
    expect(refusals[0]!.message).toContain("version 2 was applied as m2 but its file's content changed");
  });

  it('nothing is refused while the applied rows still match, and files added after them are pending', () => {
    const grown = { ...input([1, 2, 3], [row(1), row(2)]), renumbered: why };
    const up = plan(grown, { direction: 'up' });
    expect(up.refusals).toEqual([]);
    expect(versionsOf(up.steps)).toEqual([3]);
  });
});

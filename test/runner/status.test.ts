import { describe, expect, it } from 'vitest';
import type { MigrationSet } from '../../src/migrations/types.js';
import { statusRows } from '../../src/runner/status.js';
import type { AppliedMigration } from '../../src/runner/types.js';

const file = (version: number) => ({
  version,
  name: `m${version}`,
  direction: 'up' as const,
  fileName: `000${version}_m${version}.up.sql`,
  path: `/sql/000${version}_m${version}.up.sql`,
});

const row = (version: number, overrides: Partial<AppliedMigration> = {}): AppliedMigration => ({
  version,
  name: `m${version}`,
  checksum: `sum${version}`,
  appliedAt: new Date('2024-01-01T00:00:00Z'),
  durationMs: 3,
  appliedBy: 'me@host',
  dirty: false,
  ...overrides,
});

describe('statusRows', () => {
  it('names every state: applied, pending, edited, missing, dirty', () => {
    const set: MigrationSet = { dir: '/sql', problems: [], migrations: [1, 2, 3, 5].map((v) => ({ version: v, name: `m${v}`, up: file(v) })) };
    const checksums = new Map([1, 2, 3, 5].map((v) => [v, `sum${v}`]));
    checksums.set(2, 'changed');
    const rows = statusRows(set, checksums, [row(1), row(2), row(3, { dirty: true }), row(4)]);
    expect(rows.map((r) => [r.version, r.state])).toEqual([
      [1, 'applied'],
      [2, 'edited'],
      [3, 'dirty'],
      [4, 'missing'],
      [5, 'pending'],
    ]);
    expect(rows[3]!.file).toBeNull();
    expect(rows[4]!.appliedAt).toBeNull();
  });
});

/**
 * Incremental lint (checkpoints of the walk in .sqlmig/cache/checkpoints):
 * whatever is edited, added or deleted, a lint that resumes from a checkpoint
 * gives exactly what a lint without the cache gives. A seeded property test
 * makes random edits, additions and deletions across a sequence whose SQL
 * exercises the cross-file rules, and compares the two after each.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lint } from '../../src/index.js';
import { worthACheckpoint } from '../../src/lint/checkpoint.js';
import type { LintResult } from '../../src/lint/diagnostic.js';
import { SchemaModel } from '../../src/lint/schema.js';
import { seededRandom as random } from '../helpers/random.js';

/** Positions of the checkpoints each lint resumed from (0: none). */
const resumed = vi.hoisted(() => ({ positions: [] as number[] }));
vi.mock(import('../../src/lint/checkpoint.js'), async (original) => {
  const actual = await original();
  return {
    ...actual,
    readCheckpoint: (...args: Parameters<typeof actual.readCheckpoint>) => {
      const checkpoint = actual.readCheckpoint(...args);
      resumed.positions.push(checkpoint.head.position);
      return checkpoint;
    },
  };
});

/** Statements that feed the schema model and the rules with walk state (fk-order, destructive-change, down-reverts-up, …). */
const UP_STATEMENTS: ReadonlyArray<(t: string, k: number, other: string) => string> = [
  (t) => `CREATE TABLE ${t} (id bigint PRIMARY KEY);`,
  (t, _k, other) => `CREATE TABLE IF NOT EXISTS ${t} (id bigint PRIMARY KEY, parent_id bigint REFERENCES ${other} (id));`,
  (t, k) => `ALTER TABLE ${t} ADD COLUMN c${k} text;`,
  (t, k) => `ALTER TABLE ${t} DROP COLUMN c${k};`,
  (t, k) => `UPDATE ${t} SET c${k} = 'x';`,
  (t, k) => `ALTER TABLE ${t} ADD CONSTRAINT k${k} CHECK (id > 0) NOT VALID;`,
  (t, k) => `ALTER TABLE ${t} VALIDATE CONSTRAINT k${k};`,
  (t, k, other) => `ALTER TABLE ${t} ADD CONSTRAINT f${k} FOREIGN KEY (id) REFERENCES ${other} (id);`,
  (t, k) => `CREATE INDEX i${k} ON ${t} (id);`,
  (t, k) => `CREATE OR REPLACE VIEW v${k} AS SELECT id FROM ${t};`,
  (_t, k) => `CREATE OR REPLACE FUNCTION fn${k}() RETURNS int LANGUAGE sql AS 'select ${k}';`,
  (_t, k) => `CREATE TYPE e${k} AS ENUM ('a');`,
  (_t, k) => `ALTER TYPE e${k} ADD VALUE 'b';`,
  (t) => `DROP TABLE ${t};`,
  (t) => `DELETE FROM ${t};`,
  (t) => `-- sqlmig-disable-next-line require-if-not-exists -- kept on purpose\nCREATE TABLE ${t} (id int);`,
  (t) => `DO $$ BEGIN CREATE TABLE ${t} (id int); END $$;`,
  () => `SET statement_timeout = 0;`,
  () => `SELEC broken;`,
];

const DOWN_STATEMENTS: ReadonlyArray<(t: string, k: number) => string> = [
  (t) => `DROP TABLE IF EXISTS ${t};`,
  (t) => `DROP TABLE ${t};`,
  (t, k) => `ALTER TABLE ${t} DROP COLUMN IF EXISTS c${k};`,
  (_t, k) => `DROP VIEW IF EXISTS v${k};`,
  (_t, k) => `DROP FUNCTION IF EXISTS fn${k}();`,
];

class Sequence {
  private next = 1;
  readonly versions: number[] = [];

  constructor(
    private readonly dir: string,
    private readonly rand: () => number,
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }

  private table(): string {
    return `t${Math.floor(this.rand() * 6)}`;
  }

  private upSql(): string {
    const count = 1 + Math.floor(this.rand() * 3);
    const lines = Array.from({ length: count }, () => this.pick(UP_STATEMENTS)(this.table(), Math.floor(this.rand() * 4), this.table()));
    // Sometimes a file runs outside a transaction: transactions are rule state too.
    return (this.rand() < 0.1 ? '-- sqlmig:no-transaction\n' : '') + lines.join('\n') + '\n';
  }

  private downSql(): string {
    return this.pick(DOWN_STATEMENTS)(this.table(), Math.floor(this.rand() * 4)) + '\n';
  }

  private name(version: number, direction: 'up' | 'down'): string {
    return join(this.dir, `${String(version).padStart(4, '0')}_m${version}.${direction}.sql`);
  }

  add(): void {
    const version = this.next++;
    this.versions.push(version);
    writeFileSync(this.name(version, 'up'), this.upSql());
    // Some migrations have no down file (require-down).
    if (this.rand() < 0.85) writeFileSync(this.name(version, 'down'), this.downSql());
  }

  edit(version: number): void {
    if (this.rand() < 0.7) writeFileSync(this.name(version, 'up'), this.upSql());
    else writeFileSync(this.name(version, 'down'), this.downSql());
  }

  delete(version: number): void {
    rmSync(this.name(version, 'up'), { force: true });
    rmSync(this.name(version, 'down'), { force: true });
    this.versions.splice(this.versions.indexOf(version), 1);
  }

  /** One random change: mostly edits (newest, middle, any), some additions and deletions, sometimes nothing. */
  mutate(): string {
    const roll = this.rand();
    const { versions } = this;
    if (roll < 0.25) {
      this.edit(versions[versions.length - 1]!);
      return 'edit newest';
    }
    if (roll < 0.5) {
      const version = this.pick(versions);
      this.edit(version);
      return `edit ${version}`;
    }
    if (roll < 0.7) {
      this.add();
      return 'add';
    }
    if (roll < 0.85 && versions.length > 3) {
      const version = this.pick(versions);
      this.delete(version);
      return `delete ${version}`;
    }
    return 'nothing';
  }
}

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sqlmig-incremental-'));
  mkdirSync(join(root, 'sql'));
  writeFileSync(join(root, '.migraterc.json'), '{ "dir": "sql" }\n');
  resumed.positions = [];
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** All of a result a reporter uses, in a form `toEqual` compares. */
function comparable(result: LintResult) {
  return { ...result, sources: [...result.sources].sort(([a], [b]) => (a < b ? -1 : 1)) };
}

async function lintBoth(): Promise<{ cached: LintResult; full: LintResult }> {
  const cached = await lint({ cwd: root, env: {}, cacheDir: join(root, '.sqlmig', 'cache') });
  const full = await lint({ cwd: root, env: {} });
  return { cached, full };
}

/** A first lint, then one after an edit of the newest migration: the first lint that writes checkpoints. */
async function lintBothTwice(sequence: Sequence): Promise<void> {
  await lintBoth();
  sequence.edit(sequence.versions[sequence.versions.length - 1]!);
  await lintBoth();
}

describe('incremental lint', () => {
  it.each([1, 2, 3])('gives what --no-cache gives after random edits, additions and deletions (seed %i)', async (seed) => {
    const sequence = new Sequence(join(root, 'sql'), random(seed));
    for (let count = 0; count < 24; count++) sequence.add();
    // sqlmig.sum as `sqlmig hash` writes it: later edits are edited-migration findings on files behind
    // the checkpoint (whole-file reports, which read the file's text).
    const { computeSum, discoverMigrations, migrationFiles, readMigrationSources } = await import('../../src/migrations/index.js');
    writeFileSync(join(root, 'sql', 'sqlmig.sum'), computeSum(readMigrationSources(migrationFiles(discoverMigrations(join(root, 'sql'))))));
    const first = await lintBoth();
    expect(comparable(first.cached)).toEqual(comparable(first.full));
    let sawEdited = false;
    for (let step = 0; step < 30; step++) {
      const change = sequence.mutate();
      const { cached, full } = await lintBoth();
      expect(comparable(cached), `seed ${seed}, step ${step} (${change})`).toEqual(comparable(full));
      sawEdited ||= full.diagnostics.some((diagnostic) => diagnostic.rule === 'edited-migration');
    }
    // The runs above did resume from checkpoints, from more than one position, and edited-migration spoke.
    expect(sawEdited).toBe(true);
    expect(resumed.positions.filter((position) => position > 0).length).toBeGreaterThan(10);
    expect(new Set(resumed.positions).size).toBeGreaterThan(3);
  }, 60_000);

  it('writes checkpoints from the second lint that walks, resumes before the newest migration when only it was edited, and keeps few', async () => {
    const sequence = new Sequence(join(root, 'sql'), random(7));
    for (let count = 0; count < 40; count++) sequence.add();
    const checkpoints = join(root, '.sqlmig', 'cache', 'checkpoints');
    // A first lint into an empty cache (CI, a fresh clone) writes neither checkpoints nor their findings.
    await lintBoth();
    expect(existsSync(checkpoints)).toBe(false);

    sequence.edit(40);
    await lintBoth();
    expect(resumed.positions).toEqual([]);
    const written = readdirSync(checkpoints).filter((name) => /^[0-9a-f]{64}$/.test(name));
    // Before the newest migration, and in the middle.
    expect(written.length).toBe(2);

    sequence.edit(40);
    resumed.positions = [];
    const { cached, full } = await lintBoth();
    expect(comparable(cached)).toEqual(comparable(full));
    const filesBefore40 = readdirSync(join(root, 'sql')).filter((name) => name.startsWith('00') && !name.startsWith('0040')).length;
    expect(resumed.positions).toEqual([filesBefore40]);
    // The edit left both usable: nothing new was written.
    expect(readdirSync(checkpoints).filter((name) => /^[0-9a-f]{64}$/.test(name)).sort()).toEqual(written.sort());
  });

  it('walks from the start when the findings behind a checkpoint are missing or unreadable', async () => {
    const sequence = new Sequence(join(root, 'sql'), random(13));
    for (let count = 0; count < 12; count++) sequence.add();
    await lintBothTwice(sequence);
    const log = join(root, '.sqlmig', 'cache', 'checkpoints', 'findings.jsonl');
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    writeFileSync(log, lines.map((line, index) => (index === 2 ? `${line.slice(0, 70)}` : line)).join('\n') + '\n');
    sequence.edit(12);
    resumed.positions = [];
    const afterCorruption = await lintBoth();
    expect(comparable(afterCorruption.cached)).toEqual(comparable(afterCorruption.full));
    expect(resumed.positions).toEqual([]);
    // The walk from the start wrote the entry again: the next edit resumes.
    sequence.edit(12);
    const repaired = await lintBoth();
    expect(comparable(repaired.cached)).toEqual(comparable(repaired.full));
    expect(resumed.positions).toHaveLength(1);
    resumed.positions = [];
    rmSync(log);
    sequence.edit(12);
    const { cached, full } = await lintBoth();
    expect(comparable(cached)).toEqual(comparable(full));
    expect(resumed.positions).toEqual([]);
  });

  it('writes no checkpoint whose model outweighs the SQL behind it', async () => {
    // 400 tables of 40 columns in 100-character files: a snapshot would be ~30x the SQL it saves walking.
    const columns = Array.from({ length: 40 }, (_, index) => `c${index} int`).join(', ');
    for (let version = 1; version <= 400; version++) {
      writeFileSync(join(root, 'sql', `${String(version).padStart(4, '0')}_t${version}.up.sql`), `CREATE TABLE IF NOT EXISTS t${version} (${columns});\n`);
    }
    await lintBoth();
    writeFileSync(join(root, 'sql', '0400_t400.up.sql'), `CREATE TABLE IF NOT EXISTS t400 (${columns}, extra int);\n`);
    const { cached, full } = await lintBoth();
    expect(comparable(cached)).toEqual(comparable(full));
    // Nor the findings a checkpoint would need: the folder is not even made.
    expect(existsSync(join(root, '.sqlmig', 'cache', 'checkpoints'))).toBe(false);
  });

  it('weighs a checkpoint: small snapshots always, large ones only when the SQL behind them outweighs them', () => {
    // About 14,000 units of weight: an estimated snapshot just above 1 MB.
    const model = new SchemaModel(Array.from({ length: 3500 }, (_, index) => `t${index}`));
    expect(worthACheckpoint(model, 0)).toBe(false);
    expect(worthACheckpoint(model, 400_000)).toBe(true);
    expect(worthACheckpoint(new SchemaModel(['users']), 0)).toBe(true);
  });

  it('walks from the start when a checkpoint cannot be read', async () => {
    const sequence = new Sequence(join(root, 'sql'), random(11));
    for (let count = 0; count < 12; count++) sequence.add();
    await lintBothTwice(sequence);
    const checkpoints = join(root, '.sqlmig', 'cache', 'checkpoints');
    for (const name of readdirSync(checkpoints)) if (/^[0-9a-f]{64}$/.test(name)) writeFileSync(join(checkpoints, name), '{"position":3}\n[');
    sequence.edit(12);
    const { cached, full } = await lintBoth();
    expect(comparable(cached)).toEqual(comparable(full));
  });
});

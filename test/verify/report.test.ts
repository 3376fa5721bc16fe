import { describe, expect, it } from 'vitest';
import { summaryLines } from '../../src/verify/report.js';
import type { MigrationVerification, VerificationStatus, VerifyResult } from '../../src/verify/verify.js';

function result(statuses: VerificationStatus[], stopped: string | null = null): VerifyResult {
  const migrations = statuses.map(
    (status, index): MigrationVerification => ({
      version: index + 1,
      name: `m${index + 1}`,
      upFile: `/p/sql/${String(index + 1).padStart(4, '0')}_m${index + 1}.up.sql`,
      downFile: null,
      status,
      afterDown: [],
      afterUpAgain: [],
      failure: null,
      durationMs: 1,
      trace: null,
    }),
  );
  const ok = statuses.every((status) => status === 'verified');
  return { ok, database: 'PGlite in memory', migrations, stopped, durationMs: 1200, traced: false, lockGate: null };
}

describe('summaryLines', () => {
  it('says so when no migration has a down file (the run fails: nothing was checked)', () => {
    expect(summaryLines(result(['not-verifiable', 'not-verifiable']))).toEqual([
      "Verified 0 of 2 migrations in 1.20 s (PGlite in memory). 2 migrations without a down file could not be verified (add one; lint's require-down lists them): 0001, 0002.",
    ]);
  });

  it('lists at most ten versions, and why the run stopped', () => {
    const lines = summaryLines(result([...Array<VerificationStatus>(12).fill('failed'), 'not-run'], '0012_m12 failed to apply, so the migrations after it were not run'));
    expect(lines).toEqual([
      'Verification failed for 12 of 13 migrations (0001, 0002, 0003, 0004, 0005, 0006, 0007, 0008, 0009, 0010, …) in 1.20 s (PGlite in memory).',
      'Stopped: 0012_m12 failed to apply, so the migrations after it were not run.',
    ]);
  });

  it('has nothing to verify without migrations', () => {
    expect(summaryLines(result([]))).toEqual(['Nothing to verify: there are no migrations.']);
  });
});

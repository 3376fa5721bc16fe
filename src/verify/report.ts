import { relative } from 'node:path';
import pc from 'picocolors';
import { formatDuration } from '../reporters/progress.js';
import { describeChange, type ChangeWords, type SchemaChange } from './snapshot.js';
import { locksJson } from './trace-report.js';
import type { MigrationVerification, Phase, VerifyResult } from './verify.js';

/** What a difference means depends on what was compared. */
const AFTER_DOWN: ChangeWords = { added: 'left behind', removed: 'missing', changed: 'changed' };
const AFTER_UP_AGAIN: ChangeWords = { added: 'extra after up again', removed: 'missing after up again', changed: 'changed after up again' };

export interface ReportOptions {
  color: boolean;
  /** Paths are shown relative to it. */
  cwd: string;
}

/** `0003_add_status_to_posts`, as in the file names. */
function migrationLabel(migration: Pick<MigrationVerification, 'upFile'>): string {
  return migration.upFile.replace(/^.*[\\/]/, '').replace(/\.up\.sql$/, '');
}

/**
 * One progress line per migration, then what went wrong, indented:
 * `✔ 0003_add_status_to_posts  up/down/up  42 ms`.
 */
export function migrationLines(migration: MigrationVerification, options: ReportOptions): string[] {
  // As the CLI decided: picocolors' own defaults would read process.env and the TTY again.
  const paint = pc.createColors(options.color);
  const label = migrationLabel(migration);
  const took = paint.dim(formatDuration(migration.durationMs));
  switch (migration.status) {
    case 'verified':
      return [`${paint.green('✔')} ${label}  up/down/up  ${took}`];
    case 'not-verifiable':
      return [`${paint.yellow('–')} ${label}  not verifiable: no down file  ${took}`];
    case 'not-run':
      return [`${paint.dim('·')} ${label}  not run`];
    case 'failed': {
      const details = [
        ...migration.afterDown.map((change) => describeChange(change, AFTER_DOWN)),
        ...migration.afterUpAgain.map((change) => describeChange(change, AFTER_UP_AGAIN)),
      ];
      if (migration.failure) details.push(...failureLines(migration.failure, options.cwd));
      return [`${paint.red('✘')} ${label}  ${paint.red(failureTitle(migration))}  ${took}`, ...details.map((line) => `    ${line}`)];
    }
  }
}

function failureTitle(migration: MigrationVerification): string {
  if (migration.afterDown.length > 0) return 'down does not revert up';
  if (migration.afterUpAgain.length > 0) return 'up again gives another schema than the first up';
  return `${migration.failure?.phase ?? 'up'} failed`;
}

/** `up again failed: sql/0004_x.up.sql:3:5: <server message>`, the code frame, and the hint. */
function failureLines(failure: NonNullable<MigrationVerification['failure']>, cwd: string): string[] {
  const { error } = failure;
  const location = error.location;
  const where = location
    ? `${[relative(cwd, location.file) || location.file, location.line, location.column].filter((part) => part !== undefined).join(':')}: `
    : '';
  const lines = `${failure.phase} failed: ${where}${error.message}`.split('\n');
  if (error.hint) lines.push(...`hint: ${error.hint}`.split('\n'));
  return lines;
}

/** Versions listed in a summary before `…`. */
const LISTED_VERSIONS = 10;

/** The last lines: how many migrations passed, which did not, and why the run stopped early. */
export function summaryLines(result: VerifyResult): string[] {
  const count = (n: number) => `${n} migration${n === 1 ? '' : 's'}`;
  const versions = (status: MigrationVerification['status']) => {
    const listed = result.migrations.filter((m) => m.status === status).map((m) => String(m.version).padStart(4, '0'));
    return listed.length > LISTED_VERSIONS ? `${listed.slice(0, LISTED_VERSIONS).join(', ')}, …` : listed.join(', ');
  };
  const tally = (status: MigrationVerification['status']) => result.migrations.filter((m) => m.status === status).length;
  const total = result.migrations.length;
  if (total === 0) return ['Nothing to verify: there are no migrations.'];
  const where = `in ${formatDuration(result.durationMs)} (${result.database})`;
  const unverifiable = tally('not-verifiable');
  const withoutDown =
    unverifiable > 0 ? ` ${count(unverifiable)} without a down file could not be verified (add one; lint's require-down lists them): ${versions('not-verifiable')}.` : '';
  if (result.ok) return [`Verified ${count(total)} ${where}: every down file reverts its up file.`];
  const failed = tally('failed');
  const lines = [
    failed > 0
      ? `Verification failed for ${failed} of ${count(total)} (${versions('failed')}) ${where}.${withoutDown}`
      : `Verified ${tally('verified')} of ${count(total)} ${where}.${withoutDown}`,
  ];
  if (result.stopped) lines.push(`Stopped: ${result.stopped}.`);
  return lines;
}

/** `--format json`: one object, paths relative to `cwd`. */
export function verifyJson(result: VerifyResult, cwd: string): unknown {
  const path = (file: string | null) => (file === null ? null : relative(cwd, file) || file);
  const differences = (after: 'down' | 'up again', changes: SchemaChange[], words: ChangeWords) =>
    changes.map((change) => ({
      after,
      change: change.type,
      kind: change.object.kind,
      name: change.object.name,
      property: change.type === 'changed' ? change.property : null,
      expected: change.type === 'changed' ? change.expected : null,
      actual: change.type === 'changed' ? change.actual : null,
      message: describeChange(change, words),
    }));
  return {
    ok: result.ok,
    database: result.database,
    durationMs: result.durationMs,
    stopped: result.stopped,
    migrations: result.migrations.map((m) => ({
      version: m.version,
      name: m.name,
      upFile: path(m.upFile),
      downFile: path(m.downFile),
      status: m.status,
      durationMs: m.durationMs,
      differences: [...differences('down', m.afterDown, AFTER_DOWN), ...differences('up again', m.afterUpAgain, AFTER_UP_AGAIN)],
      error: m.failure === null ? null : errorJson(m.failure.phase, m.failure.error, path),
      ...(result.traced ? { lockNotes: m.trace?.notes ?? [] } : {}),
    })),
    ...(result.traced ? { locks: locksJson(result.migrations, cwd) } : {}),
    ...(result.lockGate ? { failOnLock: { mode: result.lockGate.mode, violations: result.lockGate.violations.length } } : {}),
  };
}

function errorJson(phase: Phase, error: NonNullable<MigrationVerification['failure']>['error'], path: (file: string | null) => string | null) {
  return {
    phase,
    code: error.code,
    message: error.message,
    file: error.location ? path(error.location.file) : null,
    line: error.location?.line ?? null,
    column: error.location?.column ?? null,
    hint: error.hint ?? null,
  };
}


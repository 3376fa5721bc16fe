import { pathToFileURL } from 'node:url';
import { escapeData, escapeProperty } from '../reporters/github.js';
import { relativePath } from '../reporters/paths.js';
import { blocksWrites, whatItBlocks } from './lock-modes.js';
import type { LockObservation, MigrationTrace } from './trace.js';
import type { MigrationVerification, VerifyResult } from './verify.js';

/** Said wherever the trace is shown: the throwaway database's tables have no rows. */
const EMPTY_TABLES_NOTE =
  'traced on empty tables: the lock modes and rewrites are what production gets, their durations are not (a rewrite or scan of a big table holds the lock for as long as it takes)';

/** Worth a warning annotation: it blocks writes, rewrites, or lint disagrees. */
function notable(lock: LockObservation): boolean {
  return (lock.mode !== null && blocksWrites(lock.mode)) || lock.rewritten || lock.lint !== 'agree';
}

function lintText(lock: LockObservation): string {
  return lock.rules.length > 0 ? `${lock.lint} (${lock.rules.join(', ')})` : lock.lint;
}

function modeText(lock: LockObservation): string {
  if (lock.mode === null) return lock.dropped ? 'dropped' : '-';
  return lock.since !== null && lock.since !== lock.line ? `${lock.mode} (since line ${lock.since})` : lock.mode;
}

function rewrittenText(lock: LockObservation): string {
  if (lock.dropped) return 'dropped';
  return lock.rewritten ? 'yes' : lock.scanned ? 'no (scanned)' : 'no';
}

/** Columns padded to their widest cell; the last column is not padded. */
function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => [...row[column]!].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd());
}

/** The trace of one migration as a small table, then its notes; indented under the migration's line. */
export function traceLines(trace: MigrationTrace): string[] {
  const heading = trace.transactional
    ? 'up, traced statement by statement in its one transaction (every lock is held until COMMIT):'
    : 'up, traced outside a transaction (-- sqlmig:no-transaction):';
  const lines = [heading];
  if (trace.locks.length === 0) lines.push('  no lock or rewrite on a table or index that existed before this migration');
  else {
    const rows = [['line', 'relation', 'lock', 'blocks', 'rewritten', 'lint', 'statement']];
    for (const lock of trace.locks) {
      rows.push([
        String(lock.line),
        lock.kind === 'index' ? `${lock.relation} (index)` : lock.relation,
        modeText(lock),
        lock.mode === null ? (trace.transactional ? '-' : 'not observable') : whatItBlocks(lock.mode),
        rewrittenText(lock),
        lintText(lock),
        lock.statement,
      ]);
    }
    lines.push(...table(rows).map((row) => `  ${row}`));
  }
  lines.push(...trace.notes.map((note) => `  ${note}`));
  return lines.map((line) => `    ${line}`);
}

/** After the summary: the disagreements counted, the gate, and what empty tables mean. */
export function traceSummaryLines(result: VerifyResult): string[] {
  const locks = result.migrations.flatMap((m) => m.trace?.locks ?? []);
  const strong = locks.filter((lock) => lock.kind === 'table' && lock.mode !== null && blocksWrites(lock.mode) && (lock.since === null || lock.since === lock.line));
  const count = (agreement: LockObservation['lint']) => new Set(locks.filter((lock) => lock.lint === agreement).map((lock) => `${lock.file}:${lock.line}`)).size;
  const lines = [
    `Trace: ${strong.length} ${strong.length === 1 ? 'lock that blocks' : 'locks that block'} writes on tables that existed before their migration; ` +
      `lint disagreed on ${count('lint missed')} statement${count('lint missed') === 1 ? '' : 's'} (missed) and ${count('lint over-warned')} (over-warned).`,
    `Note: ${EMPTY_TABLES_NOTE}.`,
  ];
  if (result.lockGate) {
    const { mode, violations } = result.lockGate;
    lines.push(
      violations.length === 0
        ? `--fail-on-lock ${mode}: no migration takes ${mode} or stronger on a table that existed before it.`
        : `--fail-on-lock ${mode}: ${violations.length} lock${violations.length === 1 ? '' : 's'} of ${mode} or stronger on tables that existed before their migration.`,
    );
  }
  return lines;
}

/** `"locks"` of the JSON output: the shape the issue fixed, files relative to `cwd`. */
export function locksJson(migrations: readonly MigrationVerification[], cwd: string) {
  return migrations.flatMap((m) =>
    (m.trace?.locks ?? []).map((lock) => ({
      file: relativePath(cwd, lock.file),
      line: lock.line,
      relation: lock.relation,
      mode: lock.mode,
      rewritten: lock.rewritten,
      lint: lock.lint,
    })),
  );
}

function annotationText(lock: LockObservation): string {
  const what = lock.mode === null ? 'lock not observable' : `${lock.mode} (blocks ${whatItBlocks(lock.mode)}; held until COMMIT)`;
  const rewritten = lock.rewritten ? ', rewritten' : lock.dropped ? ', dropped' : '';
  return `${lock.relation}: ${what}${rewritten}; lint: ${lintText(lock)}\n${lock.statement}\n${EMPTY_TABLES_NOTE}`;
}

/** `--format github`: a warning annotation at each notable statement's line. */
export function traceGithubLines(migrations: readonly MigrationVerification[], cwd: string): string[] {
  return migrations.flatMap((m) =>
    (m.trace?.locks ?? []).filter(notable).map((lock) => {
      const properties = `file=${escapeProperty(relativePath(cwd, lock.file))},line=${lock.line},title=${escapeProperty('sqlmig verify --trace')}`;
      return `::warning ${properties}::${escapeData(annotationText(lock))}`;
    }),
  );
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * `--format sarif`: one result per notable lock (rule `lock-trace`), and one per migration that failed
 * verification (rule `verify`), located at the statement or the failing file.
 */
export function verifySarif(result: VerifyResult, cwd: string, toolVersion: string): string {
  const location = (file: string, line: number | undefined) => ({
    physicalLocation: {
      artifactLocation: { uri: relativePath(cwd, file).split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
      ...(line === undefined ? {} : { region: { startLine: line } }),
    },
  });
  const lockResults = result.migrations.flatMap((m) =>
    (m.trace?.locks ?? []).filter(notable).map((lock) => ({
      ruleId: 'lock-trace',
      ruleIndex: 0,
      level: lock.lint === 'agree' ? 'note' : 'warning',
      message: { text: annotationText(lock) },
      locations: [location(lock.file, lock.line)],
    })),
  );
  const failures = result.migrations
    .filter((m) => m.status === 'failed' || m.status === 'not-verifiable')
    .map((m) => ({
      ruleId: 'verify',
      ruleIndex: 1,
      level: 'error',
      message: { text: m.failure ? `${m.failure.phase} failed: ${m.failure.error.message}` : m.status === 'failed' ? 'down does not revert up' : 'no down file: not verifiable' },
      locations: [location(m.failure?.error.location?.file ?? m.upFile, m.failure?.error.location?.line)],
    }));
  const base = pathToFileURL(cwd).href;
  return JSON.stringify(
    {
      $schema: SARIF_SCHEMA,
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'sqlmig',
              version: toolVersion,
              rules: [
                { id: 'lock-trace', shortDescription: { text: 'A lock or rewrite verify --trace observed on a table that existed before the migration' } },
                { id: 'verify', shortDescription: { text: 'A migration whose down file does not revert its up file, or that failed to run' } },
              ],
            },
          },
          originalUriBaseIds: { '%SRCROOT%': { uri: base.endsWith('/') ? base : `${base}/` } },
          results: [...lockResults, ...failures],
        },
      ],
    },
    null,
    2,
  );
}

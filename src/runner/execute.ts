import { ConnectionError, MigrationError } from '../errors.js';
import { ServerError, type DatabaseSession } from '../db/port.js';
import { locateInFile, locateInStatement, serverMessage, type FileLocation } from './error-mapping.js';
import type { EventSink } from './events.js';
import { dropInvalidIndexesList, invalidIndexes, type InvalidIndex } from './invalid-indexes.js';
import { describeProgress, type Progress, type ProgressNotes } from './progress-note.js';
import { locateBlockedStatement, locateByReplay, neverReplayed } from './replay.js';
import type { StepScript } from './script.js';
import { sleep } from './sleep.js';
import type { PlanStep } from './types.js';

export interface StepResult {
  step: PlanStep;
  durationMs: number;
}

/**
 * Runs the scripts in order and stops at the first failure, which it throws
 * as a MigrationError located in the file (after rolling its transaction
 * back). Events: started / finished / failed, with durations. Once `signal`
 * is aborted no further migration starts; the running one is cancelled by
 * the session (see withSession) and fails here like any other.
 */
export async function execute(
  db: DatabaseSession,
  scripts: readonly StepScript[],
  onEvent: EventSink = () => {},
  signal?: AbortSignal,
  notes?: ProgressNotes,
  lockRetries = 0,
  /** Called after each statement of a no-transaction file has returned (verify --trace reads what it rewrote). */
  afterStatement?: (index: number) => Promise<void>,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const [index, script] of scripts.entries()) {
    const { step } = script;
    if (signal?.aborted) {
      throw interruptedBefore(script);
    }
    onEvent({ type: 'started', step });
    const started = performance.now();
    try {
      if (script.mode === 'transaction') await runWithLockRetries(db, script, signal, lockRetries, onEvent, index < scripts.length - 1);
      else await runOutsideTransaction(db, script, signal, notes, afterStatement);
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      // A server error outside the file's statements (its tracking or timeout statements), or a session
      // lost while it ran (terminated, server restarted), still belongs to this step.
      const location = { file: script.source.file.path };
      const failure =
        error instanceof ServerError
          ? new MigrationError(serverMessage(error), { location })
          : error instanceof ConnectionError
            ? new ConnectionError(error.message, { location: error.location ?? location, hint: error.hint, cause: error }, error.code)
            : error;
      onEvent({ type: 'failed', step, durationMs, error: failure instanceof Error ? failure : new Error(String(failure)) });
      throw failure;
    }
    const durationMs = Math.round(performance.now() - started);
    results.push({ step, durationMs });
    onEvent({ type: 'finished', step, durationMs });
  }
  return results;
}

/** SQLSTATE 25006 (read_only_sql_transaction): not a privilege problem and not the file's fault. */
const READ_ONLY_HINT =
  'the database is read-only: a hot standby (replica), or default_transaction_read_only is on for this database or role; ' +
  'point the URL at the primary, or turn default_transaction_read_only off for the migration role';

/** The run was stopped through its AbortSignal (Ctrl-C or SIGTERM in the CLI). */
export function interrupted(message: string): MigrationError {
  return new MigrationError(message, { hint: 'run the command again to go on from here' }, 'INTERRUPTED');
}

/** Stopped before `script` ran (or after its rolled-back attempt): neither it nor any later migration is applied. */
function interruptedBefore(script: StepScript): MigrationError {
  return interrupted(`interrupted: ${script.source.file.fileName} and the migrations after it were not run`);
}

/** lock_not_available: lock_timeout expired (config `lockTimeout`). */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * A file that failed on lock_timeout was rolled back whole, so it runs again
 * after a growing pause (1 s, 2 s, 4 s …), `lockRetries` times at most: the
 * session that held the lock is often a short one. No-transaction files are
 * never retried: their first statements have committed.
 */
async function runWithLockRetries(
  db: DatabaseSession,
  script: Extract<StepScript, { mode: 'transaction' }>,
  signal: AbortSignal | undefined,
  lockRetries: number,
  onEvent: EventSink,
  laterPending: boolean,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runInTransaction(db, script, signal, laterPending, attempt <= lockRetries);
    } catch (error) {
      if (!(error instanceof LockNotAvailable) || signal?.aborted) throw error;
      const pauseMs = 1000 * 2 ** (attempt - 1);
      onEvent({ type: 'lock-retry', step: script.step, attempt, retries: lockRetries, pauseMs });
      // Ctrl-C during the pause ends the run: the attempt that failed was rolled back, so nothing of the file is applied.
      if (!(await sleep(pauseMs, signal))) {
        throw interruptedBefore(script);
      }
    }
  }
}

/** Thrown by runInTransaction, after its rollback, when a retry may follow. */
class LockNotAvailable extends Error {}

async function runInTransaction(
  db: DatabaseSession,
  script: Extract<StepScript, { mode: 'transaction' }>,
  signal: AbortSignal | undefined,
  /** Other scripts were to run after this one (a caller such as verify may go on with its own next step). */
  laterPending: boolean,
  retryOnLock = false,
): Promise<void> {
  const started = performance.now();
  try {
    await db.exec(script.text);
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    // The failed message left its transaction open and aborted (unless COMMIT itself failed).
    await db.exec('ROLLBACK');
    if (retryOnLock && error.code === LOCK_NOT_AVAILABLE && !signal?.aborted) throw new LockNotAvailable(error.message);
    let location: FileLocation | undefined;
    if (error.position !== undefined) location = locateInFile(error.position, script.prefix, script.source.text, db.positionUnit);
    else if (neverReplayed(error)) location = await locateBlockedStatement(db, script.source.text);
    else if (!signal?.aborted) location = await locateByReplay(db, script, error, performance.now() - started);
    throw migrationFailed(script, error, location, {
      outcome: `${script.source.file.fileName} was rolled back: none of it was applied${laterPending ? ', and no later migration ran' : ''}`,
      // Timeouts, cancels and deadlocks say what to do instead: the file itself may be fine.
      hint: advice(error) === undefined ? 'fix the file and run the command again' : undefined,
      code: signal?.aborted ? 'INTERRUPTED' : undefined,
    });
  }
}

async function runOutsideTransaction(
  db: DatabaseSession,
  script: Extract<StepScript, { mode: 'no-transaction' }>,
  signal: AbortSignal | undefined,
  notes: ProgressNotes | undefined,
  afterStatement: ((index: number) => Promise<void>) | undefined,
): Promise<void> {
  // Known beforehand, so a failure reports only the invalid indexes this file left.
  const invalidBefore = new Set((await invalidIndexes(db)).map((index) => index.oid));
  await db.exec(script.before);
  const { text } = script.source;
  const { version } = script.step;
  const dirty = {
    outcome:
      `${script.source.file.fileName} runs outside a transaction: the statements before this one stay applied, ` +
      `and version ${version} is marked dirty, which blocks further runs`,
    hint:
      `finish or undo the file's work by hand, then run \`sqlmig resolve ${version} --applied\` (it took effect) ` +
      `or \`sqlmig resolve ${version} --rolled-back\` (it did not)`,
    code: 'MIGRATION_DIRTY',
  };
  const lineOf = (index: number) => locateInStatement(text, script.statements[index]!.start, undefined, db.positionUnit).line;
  const progress: Progress = { completed: 0, total: script.statements.length, lastLine: null, runningLine: null };
  for (const [index, statement] of script.statements.entries()) {
    if (signal?.aborted) {
      throw migrationFailed(script, 'interrupted before this statement', locateInStatement(text, statement.start, undefined, db.positionUnit), dirty);
    }
    progress.runningLine = lineOf(index);
    notes?.record(version, progress);
    try {
      await db.exec(statement.text);
    } catch (error) {
      if (error instanceof ConnectionError) throw lostMidFile(script, progress, error);
      if (!(error instanceof ServerError)) throw error;
      const left = (await invalidIndexes(db).catch(() => [])).filter((index) => !invalidBefore.has(index.oid));
      throw migrationFailed(script, error, locateInStatement(text, statement.start, error.position, db.positionUnit), withInvalidIndexes(dirty, left));
    }
    progress.completed = index + 1;
    progress.lastLine = progress.runningLine;
    await afterStatement?.(index);
  }
  progress.runningLine = null;
  notes?.record(version, progress);
  try {
    await db.exec(script.after);
  } catch (error) {
    if (error instanceof ConnectionError) throw lostMidFile(script, progress, error);
    throw error;
  }
  notes?.clear(version);
}

/**
 * The session died in a no-transaction file: what ran stays applied, the row
 * stays dirty, and the generic "committed or rolled back" advice is wrong.
 */
function lostMidFile(script: Extract<StepScript, { mode: 'no-transaction' }>, progress: Progress, lost: ConnectionError): ConnectionError {
  const { version } = script.step;
  const file = script.source.file.path;
  const name = script.source.file.fileName;
  const where = describeProgress(progress, name);
  const ran = progress.runningLine === null ? 'every statement returned, but the row was not marked clean' : `${where} and may or may not have taken effect`;
  return new ConnectionError(
    `${lost.message}\n${name} runs outside a transaction: ${ran}; ` +
      `version ${version} stays dirty, which blocks further runs`,
    {
      location: { file, line: progress.runningLine ?? progress.lastLine ?? undefined },
      hint:
        `check what the file did (\`sqlmig status\` shows how far it got), finish or undo the rest by hand, then run ` +
        `\`sqlmig resolve ${version} --applied\` (the file took effect: the row stays, marked clean) or ` +
        `\`sqlmig resolve ${version} --rolled-back\` (it did not: the row is removed and the file runs again)`,
      cause: lost,
    },
    'MIGRATION_DIRTY',
  );
}

/** A failed no-transaction file's outcome and hint, naming the INVALID indexes it left and how to drop them. */
function withInvalidIndexes<T extends { outcome: string; hint: string }>(what: T, left: readonly InvalidIndex[]): T {
  if (left.length === 0) return what;
  const count = left.length === 1 ? 'an INVALID index' : `${left.length} INVALID indexes`;
  return {
    ...what,
    outcome: `${what.outcome}; it left ${count}, which queries do not use, writes still update, and IF NOT EXISTS would skip on a rerun`,
    hint: `drop ${left.length === 1 ? 'it' : 'them'} first:\n${dropInvalidIndexesList(left)}\nthen ${what.hint}`,
  };
}

/** What to do about the SQLSTATEs a migration runner meets most, where the file itself may be fine. */
export function advice(error: ServerError): string | undefined {
  switch (error.code) {
    case '25006':
      return READ_ONLY_HINT;
    case '55P03':
      return 'another session holds a lock this migration needs, and lock_timeout ("lockTimeout" in .migraterc.json) expired: run the command again when that session is done, or raise "lockTimeout"';
    case '57014':
      return /statement timeout/.test(error.message)
        ? 'the statement ran longer than statement_timeout ("statementTimeout" in .migraterc.json): raise it, or split the work'
        : 'the statement was cancelled: sqlmig was interrupted (Ctrl-C, SIGTERM), or another session ran pg_cancel_backend';
    case '40001':
    case '40P01':
      return 'a concurrent transaction got in the way (serialization failure or deadlock): run the command again';
    case '25001':
      return 'this statement cannot run inside a transaction: put it in a file of its own starting with `-- sqlmig:no-transaction`';
    default:
      return undefined;
  }
}

/** `cause`: the server's error, or why sqlmig stopped the file itself. */
function migrationFailed(
  script: StepScript,
  cause: ServerError | string,
  location: FileLocation | undefined,
  what: { outcome: string; hint?: string; code?: string },
): MigrationError {
  const error = typeof cause === 'string' ? undefined : cause;
  const lines = [error ? serverMessage(error) : cause];
  if (error?.detail) lines.push(`detail: ${error.detail}`);
  if (error?.where) lines.push(`where: ${error.where}`);
  lines.push(what.outcome);
  const hint = [error?.hint, error && advice(error), what.hint].filter((part) => part !== undefined).join('\n');
  return new MigrationError(
    lines.join('\n'),
    { hint, location: { file: script.source.file.path, line: location?.line, column: location?.column, ...(location ? { source: script.source.text } : {}) } },
    what.code,
  );
}

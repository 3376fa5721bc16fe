import { MigrationError } from '../errors.js';
import { ServerError, type DatabaseSession } from '../db/port.js';
import { codeFrame, lengthIn, locateInFile, locationAt, serverMessage, type FileLocation } from './error-mapping.js';
import type { EventSink } from './events.js';
import type { StepScript } from './script.js';
import type { PlanStep } from './types.js';

export interface StepResult {
  step: PlanStep;
  durationMs: number;
}

/**
 * Runs the scripts in order and stops at the first failure, which it throws
 * as a MigrationError located in the file (after rolling its transaction
 * back). Events: started / finished / failed, with durations.
 */
export async function execute(db: DatabaseSession, scripts: readonly StepScript[], onEvent: EventSink = () => {}): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const script of scripts) {
    const { step } = script;
    onEvent({ type: 'started', step });
    const started = performance.now();
    try {
      if (script.mode === 'transaction') await runInTransaction(db, script);
      else await runOutsideTransaction(db, script);
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      // A server error outside the file's statements (its tracking or timeout statements) still belongs to this step.
      const failure =
        error instanceof ServerError
          ? new MigrationError(serverMessage(error), { location: { file: script.source.file.path } })
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

async function runInTransaction(db: DatabaseSession, script: Extract<StepScript, { mode: 'transaction' }>): Promise<void> {
  try {
    await db.exec(script.text);
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    // The failed message left its transaction open and aborted (unless COMMIT itself failed).
    await db.exec('ROLLBACK');
    const location =
      error.position === undefined ? undefined : locateInFile(error.position, script.prefix, script.source.text, db.positionUnit);
    throw migrationFailed(script, error, location, {
      outcome: `${script.source.file.fileName} was rolled back: none of it was applied, and no later migration ran`,
      hint: 'fix the file and run the command again',
    });
  }
}

async function runOutsideTransaction(db: DatabaseSession, script: Extract<StepScript, { mode: 'no-transaction' }>): Promise<void> {
  await db.exec(script.before);
  const { text } = script.source;
  for (const statement of script.statements) {
    try {
      await db.exec(statement.text);
    } catch (error) {
      if (!(error instanceof ServerError)) throw error;
      const statementStart = lengthIn(text.slice(0, statement.start), db.positionUnit);
      const location =
        error.position === undefined
          ? locationAt(text, statementStart, db.positionUnit)
          : locationAt(text, statementStart + error.position - 1, db.positionUnit);
      const { version } = script.step;
      throw migrationFailed(script, error, location, {
        outcome:
          `${script.source.file.fileName} runs outside a transaction: the statements before this one stay applied, ` +
          `and version ${version} is marked dirty, which blocks further runs`,
        hint:
          `finish or undo the file's work by hand, then run \`sqlmig resolve ${version} --applied\` (it took effect) ` +
          `or \`sqlmig resolve ${version} --rolled-back\` (it did not)`,
        code: 'MIGRATION_DIRTY',
      });
    }
  }
  await db.exec(script.after);
}

/** Advice for the SQLSTATEs a migration runner meets most. */
const ADVICE: Record<string, string> = {
  '55P03': 'another session holds a lock this migration needs (lockTimeout expired); retry when it is idle, or raise "lockTimeout"',
  '57014': 'the statement ran longer than statement_timeout ("statementTimeout" in .migraterc.json)',
  '25001': 'this statement cannot run inside a transaction: put it in a file of its own starting with `-- sqlmig:no-transaction`',
};

function migrationFailed(
  script: StepScript,
  error: ServerError,
  location: FileLocation | undefined,
  what: { outcome: string; hint: string; code?: string },
): MigrationError {
  const lines = [serverMessage(error)];
  if (location) lines.push(codeFrame(script.source.text, location));
  if (error.detail) lines.push(`detail: ${error.detail}`);
  if (error.where) lines.push(`where: ${error.where}`);
  lines.push(what.outcome);
  const advice = error.code === undefined ? undefined : ADVICE[error.code];
  const hint = [error.hint, advice, what.hint].filter((part) => part !== undefined).join('\n');
  return new MigrationError(
    lines.join('\n'),
    { hint, location: { file: script.source.file.path, line: location?.line, column: location?.column } },
    what.code,
  );
}

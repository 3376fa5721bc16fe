import { ServerError, type DatabaseSession } from '../db/port.js';
import type { Statement } from '../parse/index.js';
import { locateInStatement, type FileLocation } from './error-mapping.js';
import type { StepScript } from './script.js';

/**
 * A run-time error (a unique violation, a division by zero) carries no
 * position, and the file ran as one message, so the server does not say
 * which statement failed. After the rollback, this replays the file one
 * statement at a time in a transaction that is always rolled back, and
 * returns where the first statement failing with the same SQLSTATE is.
 * Undefined when that cannot be found safely or cheaply: the replay only
 * runs on the failure path, and never where it could commit or take long.
 */
export async function locateByReplay(
  db: DatabaseSession,
  script: Extract<StepScript, { mode: 'transaction' }>,
  error: ServerError,
  failedAfterMs: number,
): Promise<FileLocation | undefined> {
  // 57014 is a statement timeout or a cancel (Ctrl-C): running it again would take as long, or be unwanted.
  if (error.code === undefined || error.code === '57014' || failedAfterMs > MAX_REPLAYED_MS) return undefined;
  let statements: Statement[];
  try {
    // Imported here, on the failure path only, so that runs that succeed never load the parser.
    const { loadParser, parseSql } = await import('../parse/index.js');
    await loadParser();
    const parsed = parseSql(script.source.text);
    if (parsed.errors.length > 0) return undefined;
    statements = parsed.statements.filter((statement) => !statement.embedded);
  } catch {
    return undefined;
  }
  // A COMMIT in the file would commit the replay's work (lint's transaction-control rule flags those files).
  if (statements.some(endsTransaction)) return undefined;

  // Each statement took less than the whole failed attempt; the bound keeps a replay that blocks from hanging.
  const bound = `SET LOCAL statement_timeout = ${Math.round(failedAfterMs * 2 + 1000)};`;
  try {
    // The configured timeouts come after the bound, so a configured statementTimeout still wins.
    await db.exec(['BEGIN;', bound, ...script.settings].join('\n'));
    for (const statement of statements) {
      try {
        await db.exec(statement.text);
      } catch (replayed) {
        if (!(replayed instanceof ServerError) || replayed.code !== error.code) return undefined;
        return locateInStatement(script.source.text, statement.start, replayed.position, db.positionUnit);
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined);
  }
}

/** Files that failed after longer than this are not replayed: the user would wait as long again. */
const MAX_REPLAYED_MS = 10_000;

/** Savepoints nest inside the replay's transaction; everything else here would end or leave it. */
function endsTransaction(statement: Statement): boolean {
  const { view } = statement;
  return view.kind === 'transaction-control' && !['savepoint', 'release', 'rollback-to'].includes(view.action);
}

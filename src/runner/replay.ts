import { ServerError, type DatabaseSession } from '../db/port.js';
import type { QualifiedName, Statement } from '../parse/index.js';
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
  if (error.code === undefined || neverReplayed(error) || failedAfterMs > MAX_REPLAYED_MS) return undefined;
  const statements = await topLevelStatements(script.source.text);
  if (!statements) return undefined;
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

/**
 * Errors a replay would repeat at the production table's expense: a lock
 * timeout or deadlock would queue another lock request for as long again, a
 * statement timeout would run as long again, a cancel was wanted, and an
 * operator's intervention (class 57: terminate, shutdown) or a serialization
 * failure is not the file's fault.
 */
export function neverReplayed(error: ServerError): boolean {
  const code = error.code ?? '';
  return ['55P03', '40P01', '40001'].includes(code) || code.startsWith('57') || /\bwhile (locking|updating|deleting) tuple\b/.test(error.where ?? '');
}

/**
 * Where a file that failed waiting for a lock most likely waited, found
 * without asking for the lock again: the first statement acting on a table
 * that another session still holds a lock on. Undefined when none or when
 * that cannot be read (the error itself is reported either way).
 */
export async function locateBlockedStatement(db: DatabaseSession, text: string): Promise<FileLocation | undefined> {
  const statements = await topLevelStatements(text);
  if (!statements) return undefined;
  let held: Array<{ schema: string; name: string }>;
  try {
    const rows = await db.query<{ schema: string; name: string }>(
      'SELECT DISTINCT n.nspname::text AS schema, c.relname::text AS name FROM pg_locks l ' +
        'JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace ' +
        'WHERE l.granted AND l.pid <> pg_backend_pid() AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())',
    );
    held = rows;
  } catch {
    return undefined;
  }
  const statement = statements.find((candidate) =>
    tablesOf(candidate.view).some((table) => held.some((lock) => lock.name === table.name && (table.schema === undefined || table.schema === lock.schema))),
  );
  return statement ? locateInStatement(text, statement.start, undefined, db.positionUnit) : undefined;
}

/** The tables a statement's view names (`table`, `tables`), at any depth. */
function tablesOf(view: unknown): QualifiedName[] {
  const found: QualifiedName[] = [];
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) for (const item of value) visit(item, key);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if ((key === 'table' || key === 'tables') && typeof record.name === 'string') found.push(record as unknown as QualifiedName);
      else for (const [child, inner] of Object.entries(record)) visit(inner, child);
    }
  };
  visit(view, '');
  return found;
}

/** The file's statements outside DO bodies; undefined when it does not parse. */
async function topLevelStatements(text: string): Promise<Statement[] | undefined> {
  try {
    // Imported here, on the failure path only, so that runs that succeed never load the parser.
    const { loadParser, parseSql } = await import('../parse/index.js');
    await loadParser();
    const parsed = parseSql(text);
    if (parsed.errors.length > 0) return undefined;
    return parsed.statements.filter((statement) => !statement.embedded);
  } catch {
    return undefined;
  }
}

/** Files that failed after longer than this are not replayed: the user would wait as long again. */
const MAX_REPLAYED_MS = 10_000;

/** Savepoints nest inside the replay's transaction; everything else here would end or leave it. */
function endsTransaction(statement: Statement): boolean {
  const { view } = statement;
  return view.kind === 'transaction-control' && !['savepoint', 'release', 'rollback-to'].includes(view.action);
}

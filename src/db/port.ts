/**
 * The database port: what the runner needs from PostgreSQL, implemented by
 * the postgres.js adapter (a server) and the PGlite adapter (embedded).
 * A `DatabaseSession` is ONE session: the advisory lock, session settings and
 * every migration's transaction live on it, so adapters must never pool or
 * silently reconnect (a new session would not hold the lock).
 */

/** A server error, normalised across drivers (PostgreSQL's ErrorResponse fields). */
export interface ServerErrorFields {
  message: string;
  /** SQLSTATE, e.g. `42P01`. */
  code?: string;
  /** 1-based character offset into the query text that failed. */
  position?: number;
  detail?: string;
  hint?: string;
  /** Context: the PL/pgSQL or SQL function call stack. */
  where?: string;
  severity?: string;
}

/** Thrown by `exec` and `query` when the server rejects a statement; the session stays usable. */
export class ServerError extends Error implements ServerErrorFields {
  readonly code?: string;
  readonly position?: number;
  readonly detail?: string;
  readonly hint?: string;
  readonly where?: string;
  readonly severity?: string;

  constructor(fields: ServerErrorFields) {
    super(fields.message);
    this.name = 'ServerError';
    this.code = fields.code;
    this.position = fields.position;
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.where = fields.where;
    this.severity = fields.severity;
  }
}

export interface Notice {
  severity: string;
  message: string;
  code?: string;
}

export type Row = Record<string, unknown>;

export interface DatabaseSession {
  /** `postgres` (a server over the wire) or `pglite` (embedded). */
  readonly kind: 'postgres' | 'pglite';
  /** How character offsets in server error positions count: code points, or bytes (SQL_ASCII databases). */
  readonly positionUnit: 'character' | 'byte';
  /**
   * Runs a script of any number of statements as ONE simple-protocol message
   * (one round trip, no parameters). An error stops the script; if the script
   * opened a transaction it is left open and aborted: the caller rolls back.
   */
  exec(script: string): Promise<void>;
  /**
   * Statements that put the session's settings, role and search_path back to how it was opened, keeping its
   * session-level locks (the migration lock): the runner sends them after every migration, so that a file's
   * session-level SET never reaches the next migration. Outside any transaction only.
   */
  readonly resetSql: string;
  /** One statement with `$1…` parameters; returns its rows. */
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Asks the server to cancel the statement this session is running (it then
   * fails with SQLSTATE 57014); does nothing when idle. Optional: an embedded
   * database runs on the caller's thread, where nothing can interrupt it.
   */
  cancel?(): Promise<void>;
  /** Ends the session (releasing session-level locks). Idempotent. */
  close(): Promise<void>;
  /** Drops the connection at once; pending calls reject (a run past its deadline). Default: close. */
  abandon?(): Promise<void>;
}

export interface OpenOptions {
  /** Seconds to keep retrying the first connection while the server is unreachable or starting. */
  wait?: number;
  /** Reported in pg_stat_activity, so a waiting runner can name the holder. */
  applicationName?: string;
  /** Seconds to wait for one connection attempt to open (default 15). */
  connectTimeout?: number;
  /** Server notices (RAISE NOTICE, "already exists, skipping"); dropped when absent. */
  onNotice?: (notice: Notice) => void;
  /** Called once per failed attempt while waiting for the server, with the reason. */
  onRetry?: (reason: string) => void;
}

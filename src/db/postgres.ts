import postgres from 'postgres';
import type { ResolvedConnection } from '../config/types.js';
import { scrub } from '../redact.js';
import { connectFailure, connectionLost } from './connection-errors.js';
import { ServerError, type DatabaseSession, type Notice, type OpenOptions, type Row } from './port.js';

type Client = postgres.Sql<Record<string, never>>;

/** Opens ONE session on a PostgreSQL server with postgres.js, retrying while `options.wait` lasts. */
export async function openPostgres(connection: ResolvedConnection, options: OpenOptions = {}): Promise<DatabaseSession> {
  const deadline = Date.now() + (options.wait ?? 0) * 1000;
  for (;;) {
    const session = new PostgresSession(connection, options);
    try {
      await session.connect();
      return session;
    } catch (error) {
      await session.close();
      const failure = connectFailure(error, connection);
      const remaining = deadline - Date.now();
      if (!failure.retryable || remaining <= 0) throw failure.error;
      options.onRetry?.(failure.reason);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, remaining)));
    }
  }
}

class PostgresSession implements DatabaseSession {
  readonly kind = 'postgres';
  positionUnit: 'character' | 'byte' = 'character';
  private readonly client: Client;
  private state: 'open' | 'lost' | 'closed' = 'open';
  /** This session's server process, for pg_cancel_backend. */
  private backendPid: number | undefined;
  /** Whether connect() set client_connection_check_interval (which RESET ALL would undo). */
  private checksConnection = false;

  constructor(
    private readonly connection: ResolvedConnection,
    options: OpenOptions,
  ) {
    try {
      this.client = postgres(connection.url, {
        // One session, kept for the whole run: the advisory lock lives on it.
        max: 1,
        idle_timeout: 0,
        max_lifetime: null,
        connect_timeout: options.connectTimeout ?? 15,
        // TCP keepalive probes after 10 s of silence, so a peer that vanished without a reset is noticed
        // by the OS at all; how soon depends on its probe settings, hence the run's own deadline (runTimeout).
        keep_alive: 10,
        prepare: false,
        fetch_types: false,
        connection: { application_name: options.applicationName ?? 'sqlmig' },
        onnotice: (notice) => options.onNotice?.(toNotice(notice)),
        onclose: () => {
          if (this.state === 'open') this.state = 'lost';
        },
      });
    } catch (error) {
      throw connectFailure(error, connection).error;
    }
  }

  async connect(): Promise<void> {
    // client_connection_check_interval (PostgreSQL 14+) makes the server notice within a second that a
    // runner died (kill -9, lost host) and roll its migration back, instead of finishing the whole
    // message - COMMIT included - and holding the lock until then.
    const [row] = await this.client.unsafe<Array<{ pid: number; check_interval: string | null }>>(
      `SELECT pg_backend_pid() AS pid, CASE WHEN current_setting('server_version_num')::int >= 140000
         THEN set_config('client_connection_check_interval', '1s', false) END AS check_interval`,
    );
    this.backendPid = row?.pid;
    this.checksConnection = row?.check_interval != null;
    if (this.client.parameters.server_encoding === 'SQL_ASCII') this.positionUnit = 'byte';
  }

  // Not DISCARD ALL: it would release the migration lock too.
  get resetSql(): string {
    const reset = 'SET SESSION AUTHORIZATION DEFAULT;\nRESET ALL;';
    return this.checksConnection ? `${reset}\nSET client_connection_check_interval = '1s';` : reset;
  }

  async exec(script: string): Promise<void> {
    await this.run(() => this.client.unsafe(script));
  }

  async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const rows = await this.run(() => this.client.unsafe(text, params as postgres.ParameterOrJSON<never>[]));
    return [...rows] as unknown as T[];
  }

  /**
   * pg_cancel_backend from a short-lived second session. postgres.js' own
   * query.cancel() drops the promise of its cancel connection, so a failure
   * there would be an unhandled rejection.
   */
  async cancel(): Promise<void> {
    if (this.state !== 'open' || this.backendPid === undefined) return;
    const side = postgres(this.connection.url, {
      max: 1,
      connect_timeout: 5,
      prepare: false,
      fetch_types: false,
      connection: { application_name: 'sqlmig (cancel)' },
      onnotice: () => {},
    });
    try {
      await side.unsafe('SELECT pg_cancel_backend($1)', [this.backendPid]);
    } catch {
      // Best effort: if it fails, the statement runs on until it ends or the session closes.
    } finally {
      await side.end({ timeout: 1 }).catch(() => undefined);
    }
  }

  /** Drops the connection at once, without waiting for pending queries (they reject): for a run past its deadline. */
  async abandon(): Promise<void> {
    if (this.state === 'open') this.state = 'lost';
    await this.close();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    // A lost connection has nothing to flush; waiting would only delay the error.
    const timeout = this.state === 'lost' ? 0 : 5;
    this.state = 'closed';
    await this.client.end({ timeout }).catch(() => undefined);
  }

  private async run<R>(send: () => Promise<R>): Promise<R> {
    if (this.state !== 'open') throw connectionLost(this.connection);
    try {
      return await send();
    } catch (error) {
      if (error instanceof postgres.PostgresError) throw toServerError(error, this.connection.secrets);
      this.state = 'lost';
      throw connectionLost(this.connection, error);
    }
  }
}

function toServerError(error: postgres.PostgresError, secrets: readonly string[]): ServerError {
  const clean = (text: string | undefined) => (text === undefined ? undefined : scrub(text, secrets));
  const position = Number(error.position);
  return new ServerError({
    message: clean(error.message) ?? '',
    code: error.code,
    position: Number.isInteger(position) && position > 0 ? position : undefined,
    detail: clean(error.detail),
    hint: clean(error.hint),
    where: clean(error.where),
    severity: error.severity,
  });
}

function toNotice(notice: postgres.Notice): Notice {
  const fields = notice as unknown as Record<string, string | undefined>;
  return { severity: fields.severity ?? 'NOTICE', message: fields.message ?? '', code: fields.code };
}

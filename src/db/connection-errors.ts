import { ConnectionError } from '../errors.js';
import { scrub } from '../redact.js';
import type { ResolvedConnection } from '../config/types.js';

/** Why the first connection failed, as a person can act on it, and whether waiting could help. */
export interface ConnectFailure {
  error: ConnectionError;
  /** Short reason, e.g. `connection refused`. */
  reason: string;
  /** The server may come up by itself (refused, starting, DNS not there yet). */
  retryable: boolean;
}

const waitHint = 'if the server is still starting (a container), retry with --wait <seconds>';

/**
 * Classifies a driver error raised while connecting. Codes are Node socket
 * errors, postgres.js' own codes and SQLSTATEs (28P01 bad password, 3D000
 * missing database, 57P03 starting up).
 */
export function connectFailure(error: unknown, connection: ResolvedConnection): ConnectFailure {
  const code = (error as { code?: unknown } | null)?.code;
  const detail = scrub(error instanceof Error ? error.message : String(error), connection.secrets);
  const at = connection.redacted;
  const make = (reason: string, hint: string, retryable: boolean): ConnectFailure => ({
    reason,
    retryable,
    error: new ConnectionError(`cannot connect to ${at}: ${reason}`, { hint }),
  });
  switch (code) {
    case 'ECONNREFUSED':
      return make('connection refused', `is PostgreSQL running and listening on that host and port? ${waitHint}`, true);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make('host not found', `check the host name in the URL; ${waitHint}`, true);
    case 'CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return make('no answer from the server (timed out)', 'check the host, the port and any firewall between here and the server', true);
    case 'ECONNRESET':
    case 'CONNECTION_CLOSED':
    case 'CONNECTION_DESTROYED':
      return make('the server closed the connection', `check the port (is it PostgreSQL?) and the server log; ${waitHint}`, true);
    case '57P03':
      return make('the server is starting up', waitHint, true);
    case '28P01':
    case '28000':
    case 'SASL_SIGNATURE_MISMATCH':
      return make(
        `authentication failed (${detail})`,
        'check the user and password in the URL (or PGPASSWORD / POSTGRES_PASSWORD) and the server\'s pg_hba.conf',
        false,
      );
    case '3D000':
      return make(detail, 'create the database first (e.g. `createdb <name>`), or fix the database name in the URL', false);
    case '53300':
      return make('too many connections', 'the server has no free connection slot; retry later or raise max_connections', true);
    default:
      return make(detail, 'check the database URL and that the server accepts connections from here', false);
  }
}

/** The session died mid-run: the advisory lock is gone, so the run must stop. */
export function connectionLost(connection: ResolvedConnection, error?: unknown): ConnectionError {
  const detail = error instanceof Error ? `: ${lostReason(error, connection)}` : '';
  return new ConnectionError(`lost the connection to ${connection.redacted}${detail}`, {
    hint:
      'a migration that was running either committed together with its tracking row or rolled back; ' +
      'run `sqlmig status` to see which, then run the command again',
  });
}

/** Why a session ended, in words: postgres.js reports a server that hung up as `write CONNECTION_CLOSED host:port`. */
function lostReason(error: Error, connection: ResolvedConnection): string {
  switch ((error as { code?: unknown }).code) {
    case 'CONNECTION_CLOSED':
      return 'the server closed the session (terminated by an administrator, restarted, or the network failed)';
    case 'ECONNRESET':
      return 'the connection was reset';
    default:
      return scrub(error.message, connection.secrets);
  }
}

import type { ResolvedConnection } from '../config/types.js';
import { ConnectionError } from '../errors.js';
import type { DatabaseSession, OpenOptions } from './port.js';

export * from './port.js';

/** Opens one database session, choosing the adapter by URL scheme (`pglite:` embedded, else a server). */
export async function openDatabase(connection: ResolvedConnection, options: OpenOptions = {}): Promise<DatabaseSession> {
  if (/^pglite:/i.test(connection.url)) {
    // The PGlite adapter (src/db/pglite.ts, its own issue) plugs in here with a lazy import.
    throw new ConnectionError(
      `cannot open ${connection.redacted}: the embedded PGlite database is not available in this version yet`,
      { hint: 'pass a postgres:// URL with --url or set DATABASE_URL' },
      'NOT_IMPLEMENTED',
    );
  }
  // Imported lazily so commands that never connect do not load the driver.
  const { openPostgres } = await import('./postgres.js');
  return openPostgres(connection, options);
}

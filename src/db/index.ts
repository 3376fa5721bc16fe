import type { ResolvedConnection } from '../config/types.js';
import type { DatabaseSession, OpenOptions } from './port.js';

export * from './port.js';

/** Opens one database session, choosing the adapter by URL scheme (`pglite:` embedded, else a server). */
export async function openDatabase(connection: ResolvedConnection, options: OpenOptions = {}): Promise<DatabaseSession> {
  if (/^pglite:/i.test(connection.url)) {
    // Imported lazily: loading PGlite's WebAssembly takes a while, and only this branch needs it.
    const { openPglite } = await import('./pglite.js');
    return openPglite(connection, options);
  }
  // Imported lazily so commands that never connect do not load the driver.
  const { openPostgres } = await import('./postgres.js');
  return openPostgres(connection, options);
}

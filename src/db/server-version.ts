import type { DatabaseSession } from './port.js';

/** The server's major version: 15 for server_version_num 150004, 9 for 90600. */
export async function serverMajorVersion(db: DatabaseSession): Promise<number> {
  const [row] = await db.query<{ num: number }>("SELECT current_setting('server_version_num')::int AS num");
  return Math.floor(row!.num / 10000);
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../src/config/types.js';
import { openDatabase, type DatabaseSession } from '../../src/db/index.js';
import { trackingTable } from '../../src/runner/tracking.js';
import { takeSnapshot } from '../../src/verify/snapshot.js';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';

/** The session, with every query it is sent recorded, and the answer to "is citus installed?" forced when asked to. */
function recording(db: DatabaseSession, citusPresent?: boolean): { db: DatabaseSession; sent: string[] } {
  const sent: string[] = [];
  const wrapped = Object.create(db) as DatabaseSession;
  wrapped.query = (async (text: string, params?: readonly unknown[]) => {
    sent.push(text);
    if (citusPresent !== undefined && text.includes("extname = 'citus'")) return [{ present: citusPresent }];
    return db.query(text, params);
  }) as DatabaseSession['query'];
  return { db: wrapped, sent };
}

describe("verify's snapshot and Citus distribution metadata", () => {
  let database: FreshDatabase;
  let db: DatabaseSession;
  const tracking = trackingTable('public', 'sqlmig_migrations');

  beforeAll(async () => {
    database = await freshDatabase();
    const connection: ResolvedConnection = { url: database.url, redacted: database.url, source: '--url', secrets: [] };
    db = await openDatabase(connection);
    await db.exec('CREATE TABLE public.orders (store_id bigint NOT NULL, id bigint NOT NULL, PRIMARY KEY (store_id, id));');
    await db.exec('CREATE TABLE public.states (code text PRIMARY KEY);');
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it('without the citus extension, pg_dist_partition is never queried and no distribution appears', async () => {
    const { db: session, sent } = recording(db);
    const snapshot = await takeSnapshot(session, tracking);
    expect(sent.some((text) => text.includes("extname = 'citus'"))).toBe(true);
    expect(sent.some((text) => text.includes('pg_dist_partition'))).toBe(false);
    expect(snapshot.filter((object) => object.kind === 'distribution')).toEqual([]);
    expect(snapshot.some((object) => object.kind === 'table' && object.name === 'public.orders')).toBe(true);
  });

  it('with it, each distributed table has its method, column and replication model (against a stand-in of the Citus catalog)', async () => {
    // Citus's own catalog and function, imitated as the Citus docs describe them (pg_dist_partition, column_to_column_name).
    await db.exec(`
      CREATE SCHEMA citus_standin;
      CREATE TABLE citus_standin.pg_dist_partition (logicalrelid regclass, partmethod "char", partkey text, colocationid int, repmodel "char");
      CREATE FUNCTION citus_standin.column_to_column_name(regclass, text) RETURNS text LANGUAGE sql AS 'SELECT $2';
      INSERT INTO citus_standin.pg_dist_partition VALUES ('public.orders', 'h', 'store_id', 7, 's'), ('public.states', 'n', NULL, 8, 't');
      SET search_path TO citus_standin, public;`);
    try {
      const { db: session, sent } = recording(db, true);
      const snapshot = await takeSnapshot(session, tracking);
      expect(sent.some((text) => text.includes('pg_dist_partition'))).toBe(true);
      expect(snapshot.filter((object) => object.kind === 'distribution')).toEqual([
        { kind: 'distribution', name: 'public.orders', parent: 'table public.orders', properties: { method: 'hash', column: 'store_id', replication: 'streaming' } },
        { kind: 'distribution', name: 'public.states', parent: 'table public.states', properties: { method: 'none', column: null, replication: 'reference (2PC)' } },
      ]);
    } finally {
      await db.exec('RESET search_path; DROP SCHEMA citus_standin CASCADE;');
    }
  });
});

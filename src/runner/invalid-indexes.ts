import type { DatabaseSession } from '../db/port.js';
import { quoteIdentifier } from './sql-quote.js';

/**
 * An index PostgreSQL marks INVALID: what a failed CREATE INDEX / REINDEX CONCURRENTLY leaves behind. Queries do
 * not use it, every write still updates it, and a rerun's IF NOT EXISTS skips it, so it must be dropped by hand.
 */
export interface InvalidIndex {
  oid: string;
  schema: string;
  name: string;
}

/** The invalid indexes of the database, except those a CREATE INDEX CONCURRENTLY is building right now. */
export async function invalidIndexes(db: DatabaseSession): Promise<InvalidIndex[]> {
  return db.query<{ oid: string; schema: string; name: string }>(
    `SELECT c.oid::text AS oid, n.nspname::text AS schema, c.relname::text AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT i.indisvalid
        AND i.indexrelid NOT IN (SELECT index_relid FROM pg_stat_progress_create_index)
      ORDER BY 2, 3`,
  ) as Promise<InvalidIndex[]>;
}

/** The statement that drops `index` without blocking writes to its table. */
function dropInvalidIndexSql(index: InvalidIndex): string {
  return `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdentifier(index.schema)}.${quoteIdentifier(index.name)};`;
}

/** `  DROP INDEX CONCURRENTLY IF EXISTS …;` one line per index. */
export function dropInvalidIndexesList(indexes: readonly InvalidIndex[]): string {
  return indexes.map((index) => `  ${dropInvalidIndexSql(index)}`).join('\n');
}

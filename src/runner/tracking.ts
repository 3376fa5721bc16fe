import type { DatabaseSession } from '../db/port.js';
import { quoteIdentifier, quoteLiteral } from './sql-quote.js';
import type { AppliedMigration } from './types.js';

/** The tracking table `<schema>.<table>`, validated and quoted once. */
export interface TrackingTable {
  schema: string;
  table: string;
  /** `"schema"`, safe to splice into SQL. */
  schemaSql: string;
  /** `"schema"."table"`, safe to splice into SQL. */
  sql: string;
}

export function trackingTable(schema: string, table: string): TrackingTable {
  const schemaSql = quoteIdentifier(schema, 'schema');
  return { schema, table, schemaSql, sql: `${schemaSql}.${quoteIdentifier(table, 'table')}` };
}

/** Who applied a migration: the login role at the machine that ran sqlmig. */
function appliedByExpression(host: string): string {
  return `session_user || '@' || ${quoteLiteral(host)}`;
}

/** Milliseconds since the transaction started: the migration's own duration, measured by the server. */
const TRANSACTION_DURATION_MS = '(extract(epoch FROM clock_timestamp() - now()) * 1000)::integer';

export function createTableSql(table: TrackingTable, schemaExists: boolean): string {
  const schema = schemaExists ? '' : `CREATE SCHEMA IF NOT EXISTS ${table.schemaSql};\n`;
  return (
    schema +
    `CREATE TABLE IF NOT EXISTS ${table.sql} (\n` +
    '  version bigint PRIMARY KEY,\n' +
    '  name text NOT NULL,\n' +
    '  checksum text NOT NULL,\n' +
    '  applied_at timestamptz NOT NULL DEFAULT now(),\n' +
    '  duration_ms integer,\n' +
    '  applied_by text,\n' +
    '  dirty boolean NOT NULL DEFAULT false\n' +
    ');'
  );
}

interface RowFields {
  version: number;
  name: string;
  checksum: string;
}

/** The row written in the migration's own transaction, with the server-measured duration. */
export function insertAppliedSql(table: TrackingTable, row: RowFields, host: string): string {
  return (
    `INSERT INTO ${table.sql} (version, name, checksum, duration_ms, applied_by, dirty) VALUES ` +
    `(${row.version}, ${quoteLiteral(row.name)}, ${quoteLiteral(row.checksum)}, ${TRANSACTION_DURATION_MS}, ${appliedByExpression(host)}, false);`
  );
}

/** Before a no-transaction up file runs: its row exists, dirty, until it finishes. */
export function insertDirtySql(table: TrackingTable, row: RowFields, host: string): string {
  return (
    `INSERT INTO ${table.sql} (version, name, checksum, applied_by, dirty) VALUES ` +
    `(${row.version}, ${quoteLiteral(row.name)}, ${quoteLiteral(row.checksum)}, ${appliedByExpression(host)}, true);`
  );
}

/** After a no-transaction up file ran: clean, with the time since its dirty row was written. */
export function markCleanSql(table: TrackingTable, version: number): string {
  return (
    `UPDATE ${table.sql} SET dirty = false, ` +
    `duration_ms = (extract(epoch FROM clock_timestamp() - applied_at) * 1000)::integer WHERE version = ${version};`
  );
}

/** `resolve --applied`: a person checked that the dirty migration did take effect. */
export function clearDirtySql(table: TrackingTable, version: number): string {
  return `UPDATE ${table.sql} SET dirty = false WHERE version = ${version};`;
}

export function markDirtySql(table: TrackingTable, version: number): string {
  return `UPDATE ${table.sql} SET dirty = true WHERE version = ${version};`;
}

export function deleteRowSql(table: TrackingTable, version: number): string {
  return `DELETE FROM ${table.sql} WHERE version = ${version};`;
}

/** `stamp`: recorded as applied without running; duration unknown. */
export function insertStampedSql(table: TrackingTable, rows: readonly RowFields[], host: string): string {
  const values = rows
    .map((row) => `(${row.version}, ${quoteLiteral(row.name)}, ${quoteLiteral(row.checksum)}, ${appliedByExpression(host)}, false)`)
    .join(',\n  ');
  return `INSERT INTO ${table.sql} (version, name, checksum, applied_by, dirty) VALUES\n  ${values};`;
}

export interface TableState {
  tableExists: boolean;
  schemaExists: boolean;
}

export async function tableState(db: DatabaseSession, table: TrackingTable): Promise<TableState> {
  const [row] = await db.query<{ table_exists: boolean; schema_exists: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS table_exists, EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $2) AS schema_exists',
    [table.sql, table.schema],
  );
  return { tableExists: row?.table_exists === true, schemaExists: row?.schema_exists === true };
}

/**
 * Every tracking row, by version. Fetched as one JSON value rather than a
 * row each: postgres.js decodes every cell of every row in JavaScript, which
 * for 1,000 rows cost more than the rest of a no-op `up`'s queries together.
 */
export async function readApplied(db: DatabaseSession, table: TrackingTable): Promise<AppliedMigration[]> {
  const [result] = await db.query<{ rows: string }>(
    `SELECT coalesce(json_agg(json_build_array(version::text, name, checksum, applied_at, duration_ms, applied_by, dirty) ORDER BY version), '[]')::text AS rows FROM ${table.sql}`,
  );
  const rows = JSON.parse(result?.rows ?? '[]') as Array<[string, string, string, string, number | null, string | null, boolean]>;
  return rows.map(([version, name, checksum, appliedAt, durationMs, appliedBy, dirty]) => ({
    version: Number(version),
    name,
    checksum,
    appliedAt: new Date(appliedAt),
    durationMs,
    appliedBy,
    dirty,
  }));
}

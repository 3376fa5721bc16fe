/**
 * Lock findings weighed by the size of the table they lock, as a database's
 * catalog estimates it (`lint --url`): rules stay pure and name the table
 * (`Diagnostic.table`); this reads the catalog once after linting.
 */
import type { DatabaseSession } from '../db/port.js';
import type { Diagnostic, LintResult, TableName } from './diagnostic.js';

interface TableSize {
  /** pg_class.reltuples: the planner's estimate; undefined when the table was never analysed. */
  rows: number | undefined;
  /** pg_total_relation_size, as pg_size_pretty writes it (`1208 kB`). */
  size: string;
}

/** The name as SQL would write it, always quoted, so that to_regclass resolves it exactly (unqualified: through search_path, as the migration will). */
function regclassText(table: TableName): string {
  const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
  return table.schema === undefined ? quote(table.name) : `${quote(table.schema)}.${quote(table.name)}`;
}

/** Sizes of the tables the diagnostics name, in one query; tables the database does not have are absent. */
export async function readTableSizes(db: DatabaseSession, diagnostics: readonly Diagnostic[]): Promise<Map<string, TableSize>> {
  const names = [...new Set(diagnostics.flatMap((diagnostic) => (diagnostic.table ? [regclassText(diagnostic.table)] : [])))];
  const sizes = new Map<string, TableSize>();
  if (names.length === 0) return sizes;
  // reltuples is -1 until the first ANALYZE (before PostgreSQL 14: 0, told from an empty table by the pages it has).
  const rows = await db.query<{ name: string; reltuples: number | null; size: string }>(
    `SELECT t.name,
            CASE WHEN c.reltuples < 0 OR (c.reltuples = 0 AND pg_relation_size(c.oid) > 0) THEN NULL ELSE c.reltuples::float8 END AS reltuples,
            pg_size_pretty(pg_total_relation_size(c.oid)) AS size
       FROM json_array_elements_text($1::text::json) AS t(name)
       JOIN pg_class c ON c.oid = to_regclass(t.name)`,
    // JSON text rather than an array parameter: every driver (postgres.js, PGlite) passes a string the same way.
    [JSON.stringify(names)],
  );
  for (const row of rows) sizes.set(row.name, { rows: row.reltuples === null ? undefined : Math.round(Number(row.reltuples)), size: row.size });
  return sizes;
}

/**
 * Each finding on a table the database has states its estimated rows and
 * size; an error on a table with fewer than `smallTableRows` rows becomes a
 * warning (locking it is brief). A never-analysed table keeps its severity.
 */
export function weighByTableSize(result: LintResult, sizes: ReadonlyMap<string, TableSize>, smallTableRows: number): LintResult {
  const diagnostics = result.diagnostics.map((diagnostic): Diagnostic => {
    const size = diagnostic.table && sizes.get(regclassText(diagnostic.table));
    if (!size) return diagnostic;
    const rows = size.rows === undefined ? 'never analysed' : `~${size.rows.toLocaleString('en-US')} rows`;
    const small = size.rows !== undefined && size.rows < smallTableRows;
    return { ...diagnostic, message: `${diagnostic.message} (${rows}, ${size.size})`, severity: small ? 'warning' : diagnostic.severity };
  });
  const errorCount = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
  return { ...result, diagnostics, errorCount, warningCount: diagnostics.length - errorCount };
}

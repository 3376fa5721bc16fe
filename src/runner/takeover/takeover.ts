import { hostname } from 'node:os';
import { ConfigError } from '../../errors.js';
import { ServerError, type DatabaseSession } from '../../db/port.js';
import { readMarker, type RevisionMarker } from '../../migrations/alembic/marker.js';
import { loadMigrations, planInput, sourcesOf } from '../files.js';
import { PlanRefusedError } from '../refused.js';
import { resolveTarget, withSession, type RunnerOptions } from '../session.js';
import { quoteLiteral } from '../sql-quote.js';
import { insertStampedSql } from '../tracking.js';
import type { PlanStep } from '../types.js';
import { planTakeover } from './plan.js';
import { HISTORY_TOOLS, TOOL_TABLES, type HistoryRow, type HistoryTool, type ToolTable } from './tools.js';

export interface TakeoverResult {
  tool: HistoryTool;
  /** The old tool's table, as the server names it. */
  table: string;
  /** What was recorded as applied (empty: sqlmig already records all of it). */
  recorded: PlanStep[];
  notes: string[];
}

export interface TakeoverOptions {
  /** The tool; default: the one known history table the database has. */
  from?: HistoryTool;
  /** The tool's table when the team renamed it (`[schema.]table`, as SQL names it); default: the tool's own name. */
  table?: string;
  /** The migrations folder to record from; default: the config's `dir` (`import --history` passes its `--to`). */
  dir?: string;
  /** The tool's versions → sqlmig versions, as `import` numbered them (see planTakeover). */
  versions?: ReadonlyMap<string, number>;
}

/**
 * `stamp --from <tool>`: records in sqlmig's table, in one transaction, every migration the other tool's
 * history table records as applied, with the checksums of the files in the folder, so that the next `up`
 * continues where that tool stopped. Refuses when that table says dirty or failed. The old table is only
 * read (and share-locked for the transaction, so the old tool cannot migrate meanwhile): never changed.
 */
export async function takeOverHistory(options: RunnerOptions & TakeoverOptions): Promise<TakeoverResult> {
  const target = await resolveTarget(options);
  return withSession(target, options, 'change', async (session) => {
    const { db } = session;
    const { tool, table } = await findHistoryTable(db, options.from, options.table);
    const loaded = loadMigrations(options.dir ?? target.config.dir, target.cacheDir);
    await db.exec('BEGIN');
    try {
      if (target.config.lockTimeout !== null) await db.exec(`SET LOCAL lock_timeout = ${quoteLiteral(target.config.lockTimeout)}`);
      await db.exec(`LOCK TABLE ${table} IN SHARE MODE`);
      const history = tool.read(await readRows(db, tool, table));
      const plan = planTakeover({
        ...planInput(loaded, session.applied, target.renumbered),
        tool,
        tableName: table,
        history,
        markers: tool.tool === 'alembic' ? revisionMarkers(loaded) : undefined,
        versions: options.versions,
      });
      if (plan.refusals.length > 0) throw new PlanRefusedError(plan.refusals, target.cwd, 'other');
      const rows = plan.steps.map((step) => ({ version: step.version, name: step.name, checksum: loaded.checksums.get(step.version)! }));
      await db.exec(`${rows.length > 0 ? insertStampedSql(target.table, rows, hostname()) : ''}\nCOMMIT;`);
      return { tool: tool.tool, table, recorded: plan.steps, notes: plan.notes };
    } catch (error) {
      await db.exec('ROLLBACK').catch(() => {});
      throw error;
    }
  });
}

/** The tool's table through the search_path (as the tool itself finds it), checked to be that tool's. */
async function findHistoryTable(db: DatabaseSession, from: HistoryTool | undefined, named: string | undefined): Promise<{ tool: ToolTable; table: string }> {
  if (named !== undefined && from === undefined) {
    throw new ConfigError(`--from-table ${named}: say which tool's table it is with --from`, {}, 'NO_HISTORY_TABLE');
  }
  const found: Array<{ tool: ToolTable; table: string }> = [];
  for (const tool of from ? [TOOL_TABLES[from]] : HISTORY_TOOLS.map((name) => TOOL_TABLES[name])) {
    const [row] = await db.query<{ table: string | null; dirty: boolean }>(
      `SELECT to_regclass($1)::text AS table, EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'dirty' AND NOT attisdropped) AS dirty`,
      [named ?? `"${tool.table}"`],
    ).catch((error: unknown) => {
      // to_regclass answers NULL for a missing table but rejects a name that is not one (`a.b.c.d`).
      if (named !== undefined && error instanceof ServerError) throw new ConfigError(`--from-table ${named}: ${error.message}`, { hint: 'write it as SQL names it: table, or schema.table' }, 'NO_HISTORY_TABLE');
      throw error;
    });
    if (!row?.table) continue;
    // golang-migrate and dbmate both call it schema_migrations; only golang-migrate's has a dirty column.
    if ((tool.tool === 'golang-migrate' || tool.tool === 'dbmate') && row.dirty !== (tool.tool === 'golang-migrate')) {
      if (from) {
        throw new ConfigError(`${row.table} is ${row.dirty ? "golang-migrate's" : "dbmate's"} table (it ${row.dirty ? 'has' : 'has no'} dirty column), not ${from}'s`, {
          hint: `pass --from ${row.dirty ? 'golang-migrate' : 'dbmate'}`,
        }, 'NO_HISTORY_TABLE');
      }
      continue;
    }
    found.push({ tool, table: row.table });
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new ConfigError(
      from
        ? `the database has no ${named ?? TOOL_TABLES[from].table} table (${from}'s history)${named?.includes('.') ? '' : ' in its search_path'}`
        : 'the database has none of the history tables sqlmig can take over',
      {
        hint: from
          ? "connect to the database that tool migrated (and the schema it used: set the URL's search_path), or name a renamed table with --from-table"
          : `sqlmig reads ${HISTORY_TOOLS.map((tool) => `${TOOL_TABLES[tool].table} (${tool})`).join(', ')}`,
      },
      'NO_HISTORY_TABLE',
    );
  }
  throw new ConfigError(`the database has the history tables of ${found.map((f) => `${f.tool.tool} (${f.table})`).join(' and ')}`, {
    hint: `say which tool to take over from: --from ${found.map((f) => f.tool.tool).join(' or --from ')}`,
  }, 'NO_HISTORY_TABLE');
}

/** Every row as one JSON value, with the tool's columns as text: versions can exceed 2^53. */
async function readRows(db: DatabaseSession, tool: ToolTable, table: string): Promise<HistoryRow[]> {
  const [result] = await db.query<{ rows: string }>(
    `SELECT coalesce(json_agg(r ORDER BY r.n), '[]')::text AS rows FROM (SELECT row_number() OVER (ORDER BY ${tool.orderBy}) AS n, ${tool.columns} FROM ${table}) r`,
  );
  return JSON.parse(result?.rows ?? '[]') as HistoryRow[];
}

function revisionMarkers(loaded: ReturnType<typeof loadMigrations>): Map<number, RevisionMarker> {
  const ups = loaded.set.migrations.flatMap((m) => (m.up ? [m.up] : []));
  const markers = new Map<number, RevisionMarker>();
  for (const source of sourcesOf(ups, loaded)) {
    const marker = readMarker(source.text);
    if (marker) markers.set(source.file.version, marker);
  }
  return markers;
}

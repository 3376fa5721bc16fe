/**
 * The history tables of the tools a team takes over from, and what their rows mean. Pure: each tool's
 * rows (every column as text or boolean, read by ./takeover.ts) become an `OldHistory` in the tool's own
 * identifiers. How each tool writes its table is cited at each entry; the tests create every table with
 * the tool's own DDL.
 */

export const HISTORY_TOOLS = ['golang-migrate', 'sqlx', 'dbmate', 'goose', 'flyway', 'diesel', 'prisma', 'alembic'] as const;
export type HistoryTool = (typeof HISTORY_TOOLS)[number];

/** What the old tool's table says, in the tool's own identifiers (version strings, Prisma folder names, Alembic revisions). */
export interface OldHistory {
  /** Migrations the table records as applied. */
  applied: string[];
  /** Every migration up to and including this one counts as applied (golang-migrate's one row, Flyway's baseline, Alembic's head). */
  through?: string;
  /** Why the table says the database is not in a clean state; any one refuses the takeover. */
  problems: Array<{ message: string; hint: string }>;
  /** What the table holds that has no sqlmig counterpart and is left out (Flyway repeatables). */
  notes: string[];
}

export type HistoryRow = Record<string, string | boolean | null>;

export interface ToolTable {
  tool: HistoryTool;
  /** The table's default name, found through the search_path as the tool finds it. */
  table: string;
  /** The columns read, each as text (versions can exceed 2^53) or boolean, in the order the tool reads them. */
  columns: string;
  orderBy: string;
  read(rows: readonly HistoryRow[]): OldHistory;
  /** The sqlmig version an identifier maps to, as decimal digits; undefined: it names none (with the reason). */
  versionOf(id: string): { digits: string } | { reason: string };
}

const text = (value: string | boolean | null | undefined): string => String(value ?? '');

function history(applied: string[] = [], rest: Partial<OldHistory> = {}): OldHistory {
  return { applied, problems: [], notes: [], ...rest };
}

/** Versions that are decimal numbers in the tool itself (golang-migrate, goose, dbmate timestamps). */
function numeric(id: string): { digits: string } | { reason: string } {
  return /^\d+$/.test(id) ? { digits: id } : { reason: `"${id}" is not a whole number` };
}

/**
 * golang-migrate keeps ONE row: the version it is at, and whether the migration that got it there failed
 * part-way (`dirty`). database/postgres/postgres.go (ensureVersionTable):
 * `CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)`.
 */
const golangMigrate: ToolTable = {
  tool: 'golang-migrate',
  table: 'schema_migrations',
  columns: 'version::text AS version, dirty',
  orderBy: 'version',
  read(rows) {
    if (rows.length === 0) return history();
    const [row] = rows;
    if (rows.length > 1) {
      return history([], {
        problems: [{ message: `schema_migrations has ${rows.length} rows, where golang-migrate keeps one`, hint: 'this is not a table golang-migrate wrote as it is: check which tool owns it, or pass the right --from' }],
      });
    }
    if (row!.dirty === true) {
      return history([], {
        problems: [{
          message: `golang-migrate's schema_migrations says version ${text(row!.version)} is dirty: it failed part-way, so the database may be partly migrated`,
          hint: `finish or undo what ${text(row!.version)} did by hand, then \`migrate force <version>\` to the version the database is really at, and take over again`,
        }],
      });
    }
    return history([], { through: text(row!.version) });
  },
  versionOf: numeric,
};

/**
 * sqlx: one row per migration it ran, `success = false` while one failed part-way (its "dirty version";
 * sqlx refuses to go on). sqlx-postgres/src/migrate.rs (ensure_migrations_table): `CREATE TABLE IF NOT EXISTS
 * _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMPTZ NOT NULL
 * DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL)`.
 */
const sqlx: ToolTable = {
  tool: 'sqlx',
  table: '_sqlx_migrations',
  columns: 'version::text AS version, description, success',
  orderBy: 'version',
  read(rows) {
    const result = history(rows.filter((row) => row.success === true).map((row) => text(row.version)));
    for (const row of rows.filter((r) => r.success !== true)) {
      result.problems.push({
        message: `_sqlx_migrations says version ${text(row.version)} (${text(row.description)}) is dirty: it failed part-way (success = false)`,
        hint: `finish or undo what ${text(row.version)} did by hand and delete its row, as sqlx asks, then take over again`,
      });
    }
    return result;
  },
  versionOf: numeric,
};

/**
 * dbmate: one row per applied migration, nothing else (no dirty state: a failed migration leaves no row).
 * pkg/driver/postgres/postgres.go: `create table if not exists %s.%s (version varchar primary key)`.
 */
const dbmate: ToolTable = {
  tool: 'dbmate',
  table: 'schema_migrations',
  columns: 'version',
  orderBy: 'version',
  read: (rows) => history(rows.map((row) => text(row.version))),
  versionOf: numeric,
};

/**
 * goose appends a row per up (is_applied true) and, in older versions, per down (is_applied false); newer
 * versions delete the row on down. The newest row of a version says whether it is applied (migrate.go,
 * EnsureDBVersionContext). Version 0 is the row goose writes when it creates the table.
 * internal/dialects/postgres.go: `CREATE TABLE %s (id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
 * version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NOT NULL DEFAULT now())`.
 */
const goose: ToolTable = {
  tool: 'goose',
  table: 'goose_db_version',
  columns: 'id::text AS id, version_id::text AS version_id, is_applied',
  orderBy: 'id',
  read(rows) {
    const newest = new Map<string, boolean>();
    for (const row of rows) newest.set(text(row.version_id), row.is_applied === true);
    return history([...newest].filter(([version, applied]) => applied && version !== '0').map(([version]) => version));
  },
  versionOf: numeric,
};

/**
 * Flyway: one row per event, by installed_rank: SQL/JDBC/SCRIPT migrations, BASELINE (everything up to
 * that version counts as applied), UNDO_* (that version is no longer applied), DELETE (`repair` marked a
 * missing migration deleted), SCHEMA (Flyway created the schema). `success = false`: a migration failed
 * (on PostgreSQL it rolled back, but Flyway refuses to go on until `repair`). Repeatables have no version.
 * flyway-database-postgresql/.../PostgreSQLDatabase.java (getRawCreateScript).
 */
const flyway: ToolTable = {
  tool: 'flyway',
  table: 'flyway_schema_history',
  columns: 'installed_rank::text AS installed_rank, version, type, script, success',
  orderBy: 'installed_rank',
  read(rows) {
    const applied = new Set<string>();
    const result = history();
    for (const row of rows) {
      const version = row.version === null ? null : text(row.version);
      const type = text(row.type);
      if (row.success !== true) {
        result.problems.push({
          message: `flyway_schema_history row ${text(row.installed_rank)} (${text(row.script)}) failed (success = false)`,
          hint: 'check what the failed migration left behind, run `flyway repair` to remove the failed row, and take over again',
        });
        continue;
      }
      if (type === 'SCHEMA') continue;
      if (version === null) {
        result.notes.push(`Flyway repeatable ${text(row.script)} is not taken over (sqlmig has no repeatable migrations)`);
        continue;
      }
      if (type === 'BASELINE') result.through = version;
      else if (type === 'DELETE' || type.startsWith('UNDO_')) applied.delete(version);
      else applied.add(version);
    }
    result.applied = [...applied];
    return result;
  },
  // Flyway compares versions part by part as numbers, so `007` is 7; dotted versions have no sqlmig counterpart.
  versionOf: (id) => (/^\d+$/.test(id) ? { digits: id.replace(/^0+(?=\d)/, '') } : { reason: `Flyway version "${id}" is not a whole number` }),
};

/**
 * diesel: one row per applied migration; the version is the folder name's before the first `_`, dashes
 * removed. diesel/src/migration/setup_migration_table.sql: `CREATE TABLE IF NOT EXISTS
 * __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)`.
 */
const diesel: ToolTable = {
  tool: 'diesel',
  table: '__diesel_schema_migrations',
  columns: 'version',
  orderBy: 'version',
  read: (rows) => history(rows.map((row) => text(row.version))),
  versionOf: (id) => numeric(id.replace(/-/g, '')),
};

/**
 * Prisma: a row per attempt. Applied: finished and not rolled back. Not finished and not rolled back: it
 * failed (or is running), and Prisma refuses to go on (P3009). Rolled back (`migrate resolve --rolled-back`)
 * without a later finished attempt: Prisma would apply it again next, after newer ones that did apply.
 * schema-engine/connectors/sql-schema-connector/src/flavour/postgres.rs (create_migrations_table).
 */
const prisma: ToolTable = {
  tool: 'prisma',
  table: '_prisma_migrations',
  columns: 'migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back',
  orderBy: 'started_at, migration_name',
  read(rows) {
    const state = new Map<string, 'applied' | 'failed' | 'rolled-back'>();
    for (const row of rows) {
      const name = text(row.migration_name);
      const attempt = row.rolled_back === true ? 'rolled-back' : row.finished === true ? 'applied' : 'failed';
      // One finished attempt makes it applied; otherwise a failed attempt outweighs a rolled-back one.
      const before = state.get(name);
      if (before === undefined || attempt === 'applied' || (attempt === 'failed' && before === 'rolled-back')) state.set(name, attempt);
    }
    const result = history([...state].filter(([, s]) => s === 'applied').map(([name]) => name));
    for (const [name, s] of state) {
      if (s === 'failed') {
        result.problems.push({
          message: `_prisma_migrations says ${name} failed (finished_at is null): the database may be partly migrated`,
          hint: `fix the database by hand, then \`prisma migrate resolve --applied ${name}\` or \`--rolled-back ${name}\`, and take over again`,
        });
      } else if (s === 'rolled-back') {
        result.problems.push({
          message: `_prisma_migrations says ${name} was rolled back and never applied since`,
          hint: `apply it with Prisma first (\`prisma migrate deploy\`), or remove it from the folder if it is abandoned, then take over again`,
        });
      }
    }
    return result;
  },
  versionOf: (id) => {
    const match = /^(\d+)_/.exec(id);
    return match ? { digits: match[1]! } : { reason: `Prisma migration "${id}" does not start with a timestamp` };
  },
};

/**
 * Alembic: one row per head, holding its revision id; everything the head descends from is applied.
 * alembic/ddl/impl.py (version_table_impl): `version_num VARCHAR(32) NOT NULL`, primary key `alembic_version_pkc`.
 * Revisions map to sqlmig versions by the files `import --from alembic` wrote (./alembic-revisions.ts).
 */
const alembic: ToolTable = {
  tool: 'alembic',
  table: 'alembic_version',
  columns: 'version_num',
  orderBy: 'version_num',
  read(rows) {
    if (rows.length <= 1) return history([], { through: rows[0] ? text(rows[0].version_num) : undefined });
    const heads = rows.map((row) => text(row.version_num)).join(', ');
    return history([], {
      problems: [{
        message: `alembic_version has ${rows.length} heads (${heads}): the database is on several branches at once`,
        hint: 'merge the branches (`alembic merge heads`) and `alembic upgrade head`, then take over again',
      }],
    });
  },
  versionOf: () => ({ reason: 'an Alembic revision maps to the version `sqlmig import --from alembic` gave it' }),
};

export const TOOL_TABLES: Readonly<Record<HistoryTool, ToolTable>> = {
  'golang-migrate': golangMigrate,
  sqlx,
  dbmate,
  goose,
  flyway,
  diesel,
  prisma,
  alembic,
};

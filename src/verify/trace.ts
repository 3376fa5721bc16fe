/**
 * `verify --trace`: what the up file of a migration really locks and
 * rewrites, statement by statement, on the relations that existed before it.
 *
 * A transactional file runs as `up` runs it (BEGIN, the SET LOCALs, the file,
 * the tracking row, COMMIT), but one statement per message inside that one
 * transaction; after each statement the trace reads the transaction's own
 * locks (pg_locks for this backend: PGlite's single backend too), the
 * relfilenode of every table and index that existed before the migration
 * (a new one means the relation was rewritten) and the table's sequential
 * scans in this transaction. What changed belongs to that statement.
 *
 * A no-transaction file commits each statement on its own, so its locks are
 * gone before they can be read from the same session: only rewrites are
 * observed there, and a CONCURRENTLY statement is reported as running
 * without blocking writes.
 */
import type { DatabaseSession } from '../db/port.js';
import { ServerError } from '../db/port.js';
import type { TableName } from '../lint/diagnostic.js';
import { parseSql, type Statement } from '../parse/index.js';
import type { StepScript } from '../runner/script.js';
import type { TrackingTable } from '../runner/tracking.js';
import { blocksWrites, strongest, type LockMode } from './lock-modes.js';
import { DATA_UNDER_LOCK_RULE_ID, LOCK_RULE_IDS, type LintPredictions } from './lint-predictions.js';

/** Whether sqlmig's lint rules predicted what the statement did (see `dangerous`). */
export type LintAgreement = 'agree' | 'lint missed' | 'lint over-warned';

export interface LockObservation {
  /** The up file (absolute path). */
  file: string;
  /** The statement's first line. */
  line: number;
  /** The statement, shortened to its first line. */
  statement: string;
  /** `schema.name` of a table or index that existed before the migration. */
  relation: string;
  kind: 'table' | 'index';
  /**
   * The strongest lock the transaction held on the relation once the statement had run
   * (PostgreSQL's name, as pg_locks gives it). Null outside a transaction (not observable),
   * and for a lint finding about a statement that locked nothing that existed before.
   */
  mode: LockMode | null;
  /** The line of the statement that first took `mode` (this one, or an earlier one: locks are held until COMMIT). */
  since: number | null;
  /** The relation got a new relfilenode: the statement copied it to new files. */
  rewritten: boolean;
  /** The statement read the whole table (a sequential scan in this transaction). */
  scanned: boolean;
  /** The relation no longer exists after the statement. */
  dropped: boolean;
  lint: LintAgreement;
  /** The lock rules that reported the statement. */
  rules: string[];
}

export interface MigrationTrace {
  /** False for `-- sqlmig:no-transaction` files, where only rewrites can be observed. */
  transactional: boolean;
  locks: LockObservation[];
  /** What the locks mean together, and what could not be observed. */
  notes: string[];
}

export interface TraceContext {
  predictions: LintPredictions;
  /** The tracking table is no relation of the migrations: it is left out. */
  table: TrackingTable;
  /** The configured schema, for the tables lint findings name without one. */
  schema: string;
}

interface Relation {
  oid: string;
  name: string;
  kind: 'table' | 'index';
  /** An index's table. */
  tableOid: string | null;
}

/** What the trace reads after each statement, for the relations that existed before the migration. */
interface State {
  locks: Map<string, Set<LockMode>>;
  /** Absent: dropped. */
  relfilenodes: Map<string, string>;
  seqScans: Map<string, number>;
  /**
   * Names of the relations before the migration that exist now, by name: ALTER COLUMN TYPE re-creates an
   * index under its name (a new oid, even when it keeps the old files), which is not dropping it.
   */
  names: Set<string>;
}

/** Every table, partitioned table, materialized view and index outside the system schemas, but the tracking table's. */
const RELATIONS_SQL = `
  SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind, i.indrelid::text AS table_oid
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = c.oid
   WHERE c.relkind IN ('r', 'p', 'm', 'i', 'I')
     AND n.nspname NOT IN ('pg_catalog', 'information_schema')
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
     AND c.oid IS DISTINCT FROM to_regclass($1)
     AND i.indrelid IS DISTINCT FROM to_regclass($1)`;

// JSON text rather than an array parameter: every driver (postgres.js, PGlite) passes a string the same way.
const STATE_SQL = `
  SELECT c.oid::text AS oid, c.relfilenode::text AS relfilenode, COALESCE(s.seq_scan, 0)::text AS seq_scan
    FROM pg_class c
    LEFT JOIN pg_stat_xact_user_tables s ON s.relid = c.oid
   WHERE c.oid IN (SELECT json_array_elements_text($1::text::json)::oid)`;

const NAMES_SQL = `
  SELECT n.nspname || '.' || c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname || '.' || c.relname IN (SELECT json_array_elements_text($1::text::json))`;

/** Granted relation locks of this backend: the transaction's own. */
const LOCKS_SQL = `
  SELECT relation::text AS oid, mode FROM pg_locks
   WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted AND relation IS NOT NULL`;

async function readRelations(db: DatabaseSession, table: TrackingTable): Promise<Map<string, Relation>> {
  const rows = await db.query<{ oid: string; schema: string; name: string; relkind: string; table_oid: string | null }>(RELATIONS_SQL, [table.sql]);
  return new Map(
    rows.map((row) => [
      row.oid,
      { oid: row.oid, name: `${row.schema}.${row.name}`, kind: row.relkind === 'i' || row.relkind === 'I' ? 'index' : 'table', tableOid: row.table_oid },
    ]),
  );
}

async function readState(db: DatabaseSession, relations: ReadonlyMap<string, Relation>, withLocks: boolean): Promise<State> {
  const rows = await db.query<{ oid: string; relfilenode: string; seq_scan: string }>(STATE_SQL, [JSON.stringify([...relations.keys()])]);
  const locks = new Map<string, Set<LockMode>>();
  if (withLocks) {
    for (const row of await db.query<{ oid: string; mode: string }>(LOCKS_SQL)) {
      if (!relations.has(row.oid)) continue;
      const modes = locks.get(row.oid) ?? new Set<LockMode>();
      modes.add(row.mode as LockMode);
      locks.set(row.oid, modes);
    }
  }
  const missing = [...relations.values()].filter((relation) => !rows.some((row) => row.oid === relation.oid)).map((relation) => relation.name);
  const names = missing.length === 0 ? [] : await db.query<{ name: string }>(NAMES_SQL, [JSON.stringify(missing)]);
  return {
    locks,
    relfilenodes: new Map(rows.map((row) => [row.oid, row.relfilenode])),
    seqScans: new Map(rows.map((row) => [row.oid, Number(row.seq_scan)])),
    names: new Set(names.map((row) => row.name)),
  };
}

/** What one statement did to one relation. */
interface Change {
  relation: Relation;
  mode: LockMode | null;
  since: number | null;
  /** The strongest mode this statement took that was not held before it. */
  taken: LockMode | null;
  rewritten: boolean;
  scanned: boolean;
  dropped: boolean;
}

/** Where each (relation, mode) was first taken, across the statements of one transaction. */
type FirstTaken = Map<string, Map<LockMode, number>>;

function changesOf(relations: ReadonlyMap<string, Relation>, before: State, after: State, line: number, firstTaken: FirstTaken): Change[] {
  const changes: Change[] = [];
  for (const relation of relations.values()) {
    const { oid } = relation;
    if (!before.relfilenodes.has(oid) && !after.relfilenodes.has(oid)) continue;
    const held = after.locks.get(oid) ?? new Set<LockMode>();
    const had = before.locks.get(oid) ?? new Set<LockMode>();
    const taken = [...held].filter((mode) => !had.has(mode));
    const taking = firstTaken.get(oid) ?? new Map<LockMode, number>();
    for (const mode of taken) taking.set(mode, line);
    firstTaken.set(oid, taking);
    const dropped = before.relfilenodes.has(oid) && !after.relfilenodes.has(oid) && !after.names.has(relation.name);
    // Re-created under its name (ALTER COLUMN TYPE): what happened to it shows on its table.
    if (before.relfilenodes.has(oid) && !after.relfilenodes.has(oid) && !dropped) continue;
    const oldFile = before.relfilenodes.get(oid);
    // 0: a partitioned table has no files of its own.
    const rewritten = !dropped && oldFile !== undefined && oldFile !== '0' && after.relfilenodes.get(oid) !== oldFile;
    const scanned = (after.seqScans.get(oid) ?? 0) > (before.seqScans.get(oid) ?? 0);
    if (taken.length === 0 && !rewritten && !scanned && !dropped) continue;
    const mode = strongest(held);
    changes.push({ relation, mode, since: mode === null ? null : (taking.get(mode) ?? null), taken: strongest(taken), rewritten, scanned, dropped });
  }
  return changes;
}

/** How a statement holds a lock that blocks writes on a relation that existed before over work that grows with the table. */
interface Danger {
  /** It took that lock itself and read the whole table or rewrote it, or it is a DROP INDEX (see below): the lock rules' concern. */
  own: boolean;
  /** It read or rewrote the table under such a lock that an earlier statement took (held until COMMIT). */
  held: boolean;
}

/**
 * On a relation that existed before: a lock that blocks writes (SHARE or stronger) held while the statement
 * reads the whole table or rewrites it. A lock that strong without either (a nullable ADD COLUMN) is brief,
 * and the rules rightly stay silent. DROP INDEX counts as well when it takes its table's ACCESS EXCLUSIVE: brief
 * on an empty table, but it queues every later query behind the running ones, and DROP INDEX CONCURRENTLY exists.
 */
function dangerOf(statement: Statement, changes: readonly Change[]): Danger {
  // TRUNCATE swaps in new, empty files: its work does not grow with the table (destructive-change is its rule).
  if (statement.view.kind === 'truncate') return { own: false, held: false };
  const heavy = (change: Change) => change.scanned || change.rewritten;
  const dropsIndex = statement.view.kind === 'drop' && statement.view.objectType === 'index' && !statement.view.concurrently;
  const takesBlocking = (change: Change | undefined) => change !== undefined && change.taken !== null && blocksWrites(change.taken);
  // A DROP INDEX whose table is already locked (by an earlier statement of the file) adds no wait of its own.
  const tableLockedHere = (index: Change) => takesBlocking(changes.find((change) => change.relation.oid === index.relation.tableOid));
  const own = changes.some(
    (change) => (takesBlocking(change) && heavy(change)) || (dropsIndex && change.dropped && change.relation.kind === 'index' && tableLockedHere(change)),
  );
  const held = !own && changes.some((change) => change.mode !== null && blocksWrites(change.mode) && heavy(change));
  return { own, held };
}

/**
 * The lock rules predict what a statement's own lock does; separate-schema-and-data predicts a data change
 * that runs under the locks of the schema changes before it.
 */
function lintVerdict(danger: Danger, reported: readonly string[]): { agreement: LintAgreement; rules: string[] } {
  const rules = reported.filter((rule) => LOCK_RULE_IDS.includes(rule) || (danger.held && rule === DATA_UNDER_LOCK_RULE_ID));
  return { agreement: agreement(danger.own || danger.held, rules.length > 0), rules };
}

function agreement(observedDanger: boolean, predicted: boolean): LintAgreement {
  if (observedDanger === predicted) return 'agree';
  return observedDanger ? 'lint missed' : 'lint over-warned';
}

/** `ALTER TABLE users ADD COLUMN …`: the statement's first line, whitespace collapsed. */
function shortText(statement: Statement): string {
  const first = statement.text.split('\n').find((line) => line.trim() !== '') ?? statement.text;
  const text = first.trim().replace(/\s+/g, ' ');
  const more = statement.text.trim().length > first.trim().length;
  return text.length > 80 ? `${text.slice(0, 77)}…` : more ? `${text} …` : text;
}

function tableDisplay(table: TableName, schema: string): string {
  return `${table.schema ?? schema}.${table.name}`;
}

/**
 * The observations of one statement: a table's entry, and an index's only where its table has none (a
 * rewritten table rebuilds its indexes, which says nothing new). When lint reported the statement but it
 * touched nothing that existed before, the finding is shown on its own as over-warned.
 */
function observationsOf(
  statement: Statement,
  file: string,
  changes: readonly Change[],
  lint: { agreement: LintAgreement; rules: string[] },
  unmatched: readonly string[],
): LockObservation[] {
  const tables = new Set(changes.filter((change) => change.relation.kind === 'table').map((change) => change.relation.oid));
  const shown = changes.filter((change) => change.relation.kind === 'table' || change.relation.tableOid === null || !tables.has(change.relation.tableOid));
  const common = { file, line: statement.line, statement: shortText(statement), lint: lint.agreement, rules: lint.rules };
  const observations = shown.map((change): LockObservation => ({
    ...common,
    relation: change.relation.name,
    kind: change.relation.kind,
    mode: change.mode,
    since: change.since,
    rewritten: change.rewritten,
    scanned: change.scanned,
    dropped: change.dropped,
  }));
  if (observations.length === 0 && lint.agreement === 'lint over-warned') {
    for (const relation of unmatched) {
      observations.push({ ...common, relation, kind: 'table', mode: null, since: null, rewritten: false, scanned: false, dropped: false });
    }
  }
  return observations;
}

/** The top-level statements of the file, or null when it does not parse (then it runs untraced and fails as `up` would). */
function statementsOf(text: string): Statement[] | null {
  const parsed = parseSql(text);
  if (parsed.errors.length > 0) return null;
  return parsed.statements.filter((statement) => !statement.embedded);
}

function lines(from: number, to: number): string {
  return from === to ? `line ${from}` : `lines ${from}–${to}`;
}

/**
 * "AccessExclusiveLock on public.users from line 3 until COMMIT; the statements on lines 4–9 run while it is
 * held": one sentence per table that ends the file with a lock that blocks reads or writes.
 */
function heldUntilCommit(statements: readonly Statement[], relations: ReadonlyMap<string, Relation>, end: State, firstTaken: FirstTaken): string[] {
  const notes: string[] = [];
  for (const relation of relations.values()) {
    if (relation.kind !== 'table') continue;
    const mode = strongest(end.locks.get(relation.oid) ?? []);
    if (mode === null || !blocksWrites(mode)) continue;
    const from = firstTaken.get(relation.oid)?.get(mode);
    if (from === undefined) continue;
    const later = statements.filter((statement) => statement.line > from);
    const rest =
      later.length === 0
        ? 'it is the last statement, and the tracking row and COMMIT follow at once'
        : `${later.length === 1 ? 'the statement' : 'the statements'} on ${lines(later[0]!.line, later.at(-1)!.endLine)} ${later.length === 1 ? 'runs' : 'run'} while it is held`;
    notes.push(`${mode} on ${relation.name} from line ${from} until COMMIT; ${rest}`);
  }
  return notes;
}

/**
 * Runs one up step with the trace: a transactional file statement by statement in its one transaction, a
 * no-transaction file through `runUntraced` with `afterStatement` reading rewrites. When the traced run fails,
 * it is rolled back and the step runs again through `runUntraced`, which fails and reports it as `up` does.
 */
export async function traceStep(
  db: DatabaseSession,
  script: StepScript,
  context: TraceContext,
  runUntraced: (afterStatement?: (index: number) => Promise<void>) => Promise<unknown>,
): Promise<MigrationTrace> {
  const file = script.source.file.path;
  const statements = statementsOf(script.source.text);
  if (statements === null) {
    await runUntraced();
    return { transactional: script.mode === 'transaction', locks: [], notes: ['the file does not parse, so it ran untraced'] };
  }
  const relations = await readRelations(db, context.table);
  if (script.mode === 'no-transaction') return traceOutsideTransaction(db, statements, relations, context, file, runUntraced);

  const firstTaken: FirstTaken = new Map();
  const locks: LockObservation[] = [];
  let state: State | undefined;
  try {
    await db.exec(script.prefix);
    state = await readState(db, relations, true);
    for (const statement of statements) {
      await db.exec(statement.text);
      const after = await readState(db, relations, true);
      const changes = changesOf(relations, state, after, statement.line, firstTaken).map((change) =>
        // New files, but empty ones: nothing was copied.
        statement.view.kind === 'truncate' ? { ...change, rewritten: false } : change,
      );
      const lint = lintVerdict(dangerOf(statement, changes), context.predictions.rulesAt(file, statement.line, statement.endLine));
      const unmatched = [...new Set(context.predictions.tablesAt(file, statement.line, statement.endLine).map((table) => tableDisplay(table, context.schema)))];
      locks.push(...observationsOf(statement, file, changes, lint, unmatched));
      state = after;
    }
    await db.exec(script.text.slice(script.prefix.length + script.source.text.length));
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    await db.exec('ROLLBACK').catch(() => {});
    await runUntraced();
    return { transactional: true, locks: [], notes: [`the traced run failed (${error.message}) and was rolled back; the file then ran untraced`] };
  }
  const notes = heldUntilCommit(statements, relations, state, firstTaken);
  return { transactional: true, locks, notes };
}

async function traceOutsideTransaction(
  db: DatabaseSession,
  statements: readonly Statement[],
  relations: ReadonlyMap<string, Relation>,
  context: TraceContext,
  file: string,
  runUntraced: (afterStatement?: (index: number) => Promise<void>) => Promise<unknown>,
): Promise<MigrationTrace> {
  const locks: LockObservation[] = [];
  const notes = [
    'runs outside a transaction: each statement commits with its locks released, so its lock modes cannot be read from the ' +
      'same session; only rewrites (a new relfilenode) are observed, and a lint finding there is neither confirmed nor contradicted',
  ];
  for (const statement of statements) {
    if (statement.notInTransaction?.includes('CONCURRENTLY')) {
      notes.push(`line ${statement.line}: ${statement.notInTransaction} runs without blocking reads or writes (SHARE UPDATE EXCLUSIVE); it cannot be inspected mid-way`);
    }
  }
  let state = await readState(db, relations, false);
  await runUntraced(async (index) => {
    const statement = statements[index];
    const after = await readState(db, relations, false);
    if (statement) {
      const changes = changesOf(relations, state, after, statement.line, new Map()).filter((change) => change.rewritten);
      const rules = context.predictions.rulesAt(file, statement.line, statement.endLine).filter((rule) => LOCK_RULE_IDS.includes(rule));
      // A rewrite happens under ACCESS EXCLUSIVE; anything else is not observable here.
      const lint = { agreement: changes.length > 0 ? agreement(true, rules.length > 0) : ('agree' as const), rules };
      locks.push(...observationsOf(statement, file, changes, lint, []));
    }
    state = after;
  });
  return { transactional: false, locks, notes };
}

/**
 * Issue 15, "Must show": every example of every lock rule, run on PostgreSQL
 * against a table that already exists with rows, does what its `effect` says:
 * the strongest lock it takes on the table (read from pg_locks), whether it
 * scans the table in its transaction (pg_stat_xact_user_tables) and whether it
 * rewrites it (relfilenode before and after). Bad examples take a lock that
 * blocks writes; good ones never scan or rewrite under such a lock.
 *
 * A file that runs in a transaction is run inside one and pg_locks is read for
 * its own backend before rolling back. A `-- sqlmig:no-transaction` file runs
 * statement by statement, each while a second connection holds the lock every
 * writer takes (ROW EXCLUSIVE) in an open transaction: the statement then
 * waits, either for a lock that conflicts with writers or (CONCURRENTLY) for
 * that transaction to end, and a third connection reads what it holds and wants.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { LOCK_MODES, type ExampleEffect, type LockMode, type Rule, type RuleExample } from '../../src/lint/rule.js';
import { parseDirectives } from '../../src/migrations/directives.js';
import { loadParser, parseSql } from '../../src/parse/index.js';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';
import { DEFAULT_EXAMPLE_NAME } from './rule-tester.js';

/** Rules whose examples state their effect on an existing table: each of their examples must. */
const LOCK_RULES = new Set(['enum-value-in-transaction', 'unique-needs-index', 'table-rewrite', 'set-not-null-scan', 'constraint-not-valid', 'require-concurrent-index']);

const lockRules = rules.filter((rule) => LOCK_RULES.has(rule.id));
/** SHARE and stronger conflict with ROW EXCLUSIVE, the lock every INSERT, UPDATE and DELETE takes. */
const blocksWrites = (mode: LockMode | null) => mode !== null && LOCK_MODES.indexOf(mode) >= LOCK_MODES.indexOf('ShareLock');

interface Observed {
  lock: LockMode | null;
  scan?: boolean;
  rewrite: boolean;
  error?: string;
}

let database: FreshDatabase;
let sql: postgres.Sql;
let observer: postgres.Sql;

beforeAll(async () => {
  await loadParser();
  database = await freshDatabase();
  sql = postgres(database.url, { max: 2, onnotice: () => {} });
  observer = postgres(database.url, { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await observer?.end({ timeout: 5 });
  await database?.drop();
});

function strongest(modes: readonly string[]): LockMode | null {
  let best = -1;
  for (const mode of modes) best = Math.max(best, LOCK_MODES.indexOf(mode as LockMode));
  return best < 0 ? null : LOCK_MODES[best]!;
}

/** The statements of a file, as the runner sends them one by one in a no-transaction file. */
function statementsOf(text: string): string[] {
  return parseSql(text).statements.map((statement) => statement.text);
}

async function prepare(example: RuleExample, effect: ExampleEffect): Promise<void> {
  await sql.unsafe('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  const earlier = [...(example.files ?? [])].filter((file) => file.name.includes('.up.')).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const file of earlier) for (const statement of statementsOf(file.sql)) await sql.unsafe(statement);
  await sql.unsafe(effect.rows);
}

async function relfilenode(table: string): Promise<number> {
  const [row] = await observer.unsafe('SELECT relfilenode FROM pg_class WHERE oid = $1::regclass', [table]);
  return Number(row!.relfilenode);
}

async function inTransaction(text: string, table: string): Promise<Observed> {
  const before = await relfilenode(table);
  return sql.begin(async (tx) => {
    // By oid, not name: a file may drop the table (a down file), and it is still locked then.
    const [start] = await tx.unsafe('SELECT relid AS oid, seq_scan FROM pg_stat_xact_user_tables WHERE relid = $1::regclass', [table]);
    const { oid, seq_scan: scansBefore } = start!;
    await tx.unsafe(text);
    const locks = await tx.unsafe("SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = $1", [oid]);
    const [after] = await tx.unsafe(
      'SELECT s.seq_scan, c.relfilenode FROM pg_stat_xact_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relid = $1',
      [oid],
    );
    const observed: Observed = {
      lock: strongest(locks.map((row) => String(row.mode))),
      scan: after !== undefined && Number(after.seq_scan) > Number(scansBefore),
      rewrite: after !== undefined && Number(after.relfilenode) !== before,
    };
    throw Object.assign(new Error('rollback'), { observed });
  }).catch((error: unknown) => {
    const { observed, code } = error as { observed?: Observed; code?: string };
    if (observed) return observed;
    // The file failed: PostgreSQL's SQLSTATE (postgres.js rolled the transaction back).
    if (code !== undefined) return { lock: null, rewrite: false, error: code };
    throw error;
  }) as Promise<Observed>;
}

/** One statement outside a transaction, while a writer's transaction holds ROW EXCLUSIVE on `table`. */
async function besideWriter(statement: string, table: string): Promise<string[]> {
  const writer = postgres(database.url, { max: 1, onnotice: () => {} });
  const runner = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    const reserved = await writer.reserve();
    await reserved.unsafe('BEGIN');
    await reserved.unsafe(`LOCK TABLE ${table} IN ROW EXCLUSIVE MODE`);
    const [row] = await runner.unsafe('SELECT pg_backend_pid() AS pid');
    const pid = Number(row!.pid);
    let finished = false;
    const running = runner.unsafe(statement).then(() => (finished = true));
    let modes: string[] = [];
    // Until it waits (for the writer's lock or transaction) or finishes without waiting.
    for (;;) {
      const rows = await observer.unsafe(
        'SELECT l.mode, l.granted, l.relation = $2::regclass AS on_table FROM pg_locks l WHERE l.pid = $1',
        [pid, table],
      );
      if (finished) break;
      if (rows.some((row) => row.granted === false)) {
        modes = rows.filter((row) => row.on_table === true).map((row) => String(row.mode));
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await reserved.unsafe('COMMIT');
    reserved.release();
    await running;
    return modes;
  } finally {
    await writer.end({ timeout: 5 });
    await runner.end({ timeout: 5 });
  }
}

async function outsideTransaction(text: string, table: string): Promise<Observed> {
  const before = await relfilenode(table);
  const modes: string[] = [];
  for (const statement of statementsOf(text)) modes.push(...(await besideWriter(statement, table)));
  return { lock: strongest(modes), rewrite: (await relfilenode(table)) !== before };
}

async function observe(example: RuleExample, effect: ExampleEffect): Promise<Observed> {
  await prepare(example, effect);
  return parseDirectives(example.sql).noTransaction
    ? outsideTransaction(example.sql, effect.table)
    : inTransaction(example.sql, effect.table);
}

function expected(effect: ExampleEffect): Observed {
  if (effect.error !== undefined) return { lock: null, rewrite: false, error: effect.error };
  return { lock: effect.lock, rewrite: effect.rewrite ?? false, ...(effect.scan !== undefined ? { scan: effect.scan } : {}) };
}

function aboutOlderServer(example: RuleExample): boolean {
  return example.config?.postgresVersion !== undefined;
}

function label(rule: Rule, kind: string, index: number, example: RuleExample): string {
  return `${rule.id}: ${kind} example ${index + 1} (${example.name ?? DEFAULT_EXAMPLE_NAME})`;
}

describe('lock rules on a table with rows (PostgreSQL)', () => {
  it('every lock rule is here and states the effect of each example', () => {
    expect(lockRules.map((rule) => rule.id).sort()).toEqual([...LOCK_RULES].sort());
    for (const rule of lockRules) {
      for (const example of [...rule.examples.bad, ...rule.examples.good]) {
        // An example about an older server (lint.postgresVersion) cannot show its effect on this one: it states none.
        if (aboutOlderServer(example)) expect(example.effect, `${rule.id}: ${example.sql}`).toBeUndefined();
        else expect(example.effect, `${rule.id}: ${example.sql}`).toBeDefined();
      }
    }
  });

  for (const rule of lockRules) {
    rule.examples.bad.filter((example) => !aboutOlderServer(example)).forEach((example, index) => {
      it(`${label(rule, 'bad', index, example)} takes the lock the rule claims`, async () => {
        const effect = example.effect!;
        const observed = await observe(example, effect);
        expect(observed).toMatchObject(expected(effect));
        if (effect.error === undefined) expect(blocksWrites(observed.lock), 'blocks writes').toBe(true);
      });
    });
    rule.examples.good.filter((example) => !aboutOlderServer(example)).forEach((example, index) => {
      it(`${label(rule, 'good', index, example)} does not`, async () => {
        const effect = example.effect!;
        const observed = await observe(example, effect);
        expect(observed).toMatchObject(expected(effect));
        expect(blocksWrites(observed.lock) && (observed.scan === true || observed.rewrite), 'scans or rewrites under a lock that blocks writes').toBe(false);
      });
    });
  }
});

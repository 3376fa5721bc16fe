import { displayName, headSpan, quoteIdent } from '../src/lint/helpers.js';
import { addColumnRewrite, typeChangeRewrite } from '../src/lint/rewrites.js';
import type { Rule } from '../src/lint/rule.js';
import { existedBefore } from '../src/lint/schema.js';
import type { QualifiedName, TypeRef } from '../src/parse/types.js';

const EVENTS = {
  name: '0001_create_events.up.sql',
  sql: 'CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, kind varchar(50), quantity integer);',
};
const RANDOM_LABEL = {
  name: '0002_create_random_label.up.sql',
  sql: "CREATE OR REPLACE FUNCTION random_label() RETURNS text LANGUAGE sql AS $$ SELECT 'label_' || md5(random()::text) $$;",
};
const DEFAULT_LABEL = {
  name: '0002_create_default_label.up.sql',
  sql: "CREATE OR REPLACE FUNCTION default_label() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'none'::text $$;",
};
const ROWS = "INSERT INTO events SELECT g, 'click', g FROM generate_series(1, 1000) AS g;";
const rewrite = (lock: 'AccessExclusiveLock') => ({ table: 'events', rows: ROWS, lock, rewrite: true });

/** ALTER TABLE clauses (PostgreSQL's AlterTableCmd names) that copy the table to new files. */
const REWRITING_CLAUSES: Record<string, string> = {
  SetTableSpace: 'SET TABLESPACE copies the whole table',
  SetLogged: 'SET LOGGED rewrites the whole table',
  SetUnLogged: 'SET UNLOGGED rewrites the whole table',
};

const rule: Rule = {
  id: 'table-rewrite',
  defaultSeverity: 'error',
  description: 'A statement that rewrites a table that existed before this migration under an ACCESS EXCLUSIVE lock',
  rationale:
    'SOP "zero-downtime steps": some statements copy every row of the table to a new file while holding an ACCESS ' +
    'EXCLUSIVE lock, which blocks reads and writes until the copy (and the rebuild of every index) is done ' +
    '(PostgreSQL documentation, ALTER TABLE, "Notes"): ADD COLUMN with a volatile DEFAULT (clock_timestamp(), ' +
    'random(), gen_random_uuid(), nextval() …, or a function an earlier migration created without declaring it ' +
    'IMMUTABLE or STABLE: PostgreSQL makes functions VOLATILE unless told), a serial or identity column, or a stored generated column; ALTER ' +
    'COLUMN TYPE that is not binary-coercible (int → bigint, narrowing a varchar, text → int, anything with USING; ' +
    'not widening a varchar, varchar → text, widening numeric precision or timestamp precision); SET TABLESPACE; ' +
    'SET LOGGED / UNLOGGED; VACUUM FULL; CLUSTER. timestamp ↔ timestamptz rewrites only when the session TimeZone ' +
    'is not UTC (PostgreSQL 12+), so that case is a warning. Safe patterns: add the column with a constant or STABLE ' +
    'DEFAULT (now()) or none and backfill in batches; for a new type, add a new column, write both, backfill, switch; ' +
    'pg_repack instead of VACUUM FULL or CLUSTER. What old readers of a changed column see is breaking-change’s ' +
    'concern; this rule is about the lock. Not flagged: a table this migration created, and type changes of columns ' +
    'whose old type the sequence does not know.',
  examples: {
    bad: [
      {
        name: '0002_events_created_at.up.sql',
        sql: 'ALTER TABLE events ADD COLUMN IF NOT EXISTS created_at timestamptz DEFAULT clock_timestamp();',
        files: [EVENTS],
        expect: [{ line: 1, column: 20, message: 'clock_timestamp' }],
        effect: rewrite('AccessExclusiveLock'),
      },
      {
        // Lemmy 0070 and crates.io 0147: a DEFAULT calling a function an earlier migration created, VOLATILE by default.
        name: '0003_events_label.up.sql',
        sql: 'ALTER TABLE events ADD COLUMN IF NOT EXISTS label text NOT NULL DEFAULT random_label();',
        files: [EVENTS, RANDOM_LABEL],
        expect: [{ line: 1, column: 20, message: 'random_label' }],
        effect: rewrite('AccessExclusiveLock'),
      },
      {
        name: '0002_events_seq.up.sql',
        sql: 'ALTER TABLE events ADD COLUMN IF NOT EXISTS seq bigint GENERATED ALWAYS AS IDENTITY;',
        files: [EVENTS],
        expect: [{ line: 1, column: 20, message: 'identity' }],
        effect: rewrite('AccessExclusiveLock'),
      },
      {
        name: '0002_events_quantity_bigint.up.sql',
        sql: 'ALTER TABLE events ALTER COLUMN quantity TYPE bigint;',
        files: [EVENTS],
        expect: [{ line: 1, column: 20, message: 'int4 to int8' }],
        effect: rewrite('AccessExclusiveLock'),
      },
      {
        name: '0002_events_unlogged.up.sql',
        sql: 'ALTER TABLE events SET UNLOGGED;',
        files: [EVENTS],
        expect: [{ line: 1, column: 20, message: 'SET UNLOGGED' }],
        effect: rewrite('AccessExclusiveLock'),
      },
      {
        name: '0002_compact_events.up.sql',
        sql: '-- sqlmig:no-transaction\nVACUUM FULL events;',
        files: [EVENTS],
        expect: [{ line: 2, column: 1, message: 'VACUUM FULL' }],
        effect: rewrite('AccessExclusiveLock'),
      },
    ],
    good: [
      {
        name: '0002_events_created_at.up.sql',
        sql:
          'ALTER TABLE events ADD COLUMN IF NOT EXISTS created_at timestamptz DEFAULT now();\n' +
          'ALTER TABLE events ALTER COLUMN kind TYPE varchar(100);',
        files: [EVENTS],
        effect: { table: 'events', rows: ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      {
        name: '0003_events_label.up.sql',
        sql: 'ALTER TABLE events ADD COLUMN IF NOT EXISTS label text NOT NULL DEFAULT default_label();',
        files: [EVENTS, DEFAULT_LABEL],
        effect: { table: 'events', rows: ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      {
        name: '0002_create_sessions.up.sql',
        sql:
          'CREATE TABLE IF NOT EXISTS sessions (id bigint PRIMARY KEY, started integer);\n' +
          'ALTER TABLE sessions ADD COLUMN IF NOT EXISTS token uuid DEFAULT gen_random_uuid();\n' +
          'ALTER TABLE sessions ALTER COLUMN started TYPE bigint;',
        files: [EVENTS],
        effect: { table: 'events', rows: ROWS, lock: null, scan: false, rewrite: false },
      },
    ],
  },
  check(context) {
    const hint =
      'add the column with a constant or STABLE default (or none) and backfill in batches; for a new type add a new column, ' +
      'write both, backfill, switch; use pg_repack instead of VACUUM FULL or CLUSTER';
    return {
      statement(statement, file) {
        const view = statement.view;
        const existing = (table: QualifiedName) => existedBefore(context.schema.table(table), file);
        if (view.kind === 'vacuum' && view.full) {
          if (view.tables.length > 0 && !view.tables.some(existing)) return;
          const which = view.tables.length > 0 ? view.tables.map(displayName).join(', ') : 'every table';
          context.report({
            span: headSpan(statement),
            ...(view.tables.length === 1 ? { table: view.tables[0] } : {}),
            message: `VACUUM FULL rewrites ${which} under an ACCESS EXCLUSIVE lock, blocking reads and writes`,
            hint,
          });
        } else if (view.kind === 'cluster' && (!view.table || existing(view.table))) {
          context.report({
            span: headSpan(statement),
            ...(view.table ? { table: view.table } : {}),
            message: `CLUSTER rewrites ${view.table ? displayName(view.table) : 'every clustered table'} under an ACCESS EXCLUSIVE lock, blocking reads and writes`,
            hint,
          });
        }
        if (view.kind !== 'alter-table' || view.objectType !== 'table' || !existing(view.table)) return;
        const table = context.schema.table(view.table);
        const name = displayName(view.table);
        const addedHere = new Map<string, TypeRef | undefined>();
        for (const action of view.actions) {
          if (action.type === 'add-column') {
            addedHere.set(action.column.name, action.column.type);
            const why = addColumnRewrite(action.column, (call) => context.schema.callIsVolatile(call));
            if (!why || (action.ifNotExists && table?.columns.has(action.column.name))) continue;
            context.report({
              span: action.span,
              table: view.table,
              message: `adding ${quoteIdent(action.column.name)} rewrites ${name} under an ACCESS EXCLUSIVE lock: ${why}`,
              hint,
            });
          } else if (action.type === 'alter-column-type') {
            const from = addedHere.has(action.column) ? addedHere.get(action.column) : table?.columns.get(action.column)?.type;
            if (!from) continue;
            const rewrites = typeChangeRewrite(from, action.newType, action.using);
            if (rewrites === 'no') continue;
            const change = `from ${from.name} to ${action.newType.name}`;
            context.report({
              span: action.span,
              table: view.table,
              message:
                rewrites === 'timezone'
                  ? `changing ${quoteIdent(action.column)} ${change} rewrites ${name} under an ACCESS EXCLUSIVE lock unless the session TimeZone is UTC`
                  : `changing ${quoteIdent(action.column)} ${change} is not binary-coercible: it rewrites ${name} under an ACCESS EXCLUSIVE lock`,
              hint: rewrites === 'timezone' ? `run it with SET LOCAL TimeZone = 'UTC' first (PostgreSQL 12+), or ${hint}` : hint,
              ...(rewrites === 'timezone' ? { maxSeverity: 'warn' as const } : {}),
            });
          } else if (action.type === 'other' && REWRITING_CLAUSES[action.command]) {
            context.report({
              span: action.span,
              table: view.table,
              message: `${REWRITING_CLAUSES[action.command]} of ${name} under an ACCESS EXCLUSIVE lock, blocking reads and writes`,
              hint,
            });
          }
        }
      },
    };
  },
};

export default rule;

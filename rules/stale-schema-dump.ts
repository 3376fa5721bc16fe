import { basename } from 'node:path';
import type { Rule } from '../src/lint/rule.js';
import type { Span } from '../src/parse/types.js';

const USERS_UP = '0001_create_users.up.sql';
const USERS_SQL = 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);';
const ORDERS_UP = '0002_create_orders.up.sql';
const ORDERS_SQL = 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint);';
const USERS_DUMP = 'CREATE TABLE public.users (\n    id bigint NOT NULL\n);';
const STALE_ORIGIN = `-- sqlmig:dump migrations=${'0'.repeat(64)} to=1`;

function line(number: number): Span {
  return { start: 0, end: 0, line: number, column: 1, endLine: number, endColumn: 1 };
}

function version(to: number | null): string {
  return to === null ? 'no migrations' : String(to).padStart(4, '0');
}

const rule: Rule = {
  id: 'stale-schema-dump',
  defaultSeverity: 'error',
  description: 'the schema dump (`dumpSchema`) no longer matches the migrations',
  rationale:
    'SOP "review what a migration does to the schema": a committed schema.sql shows reviewers what the migrations do to the schema, and is the file an ' +
    'autogenerate-style workflow edits (`sqlmig diff`): a dump written before the latest migration, or before ' +
    'an up file was edited, shows a schema the migrations no longer produce, and a diff against it drafts the ' +
    'wrong migration. `sqlmig dump` records in its header which up files it came from (a sha256 over their ' +
    'sqlmig.sum lines); lint compares that line with the files, without a database. Only when `dumpSchema` is ' +
    'set: `up`, `down`, `redo` and `new` then rewrite it, and `sqlmig dump -o <file>` does by hand.',
  examples: {
    bad: [
      {
        name: ORDERS_UP,
        sql: '-- a new migration; schema.sql was written before it\n' + ORDERS_SQL,
        files: [{ name: USERS_UP, sql: USERS_SQL }],
        schemaDump: `-- header\n-- header\n${STALE_ORIGIN}\n\n${USERS_DUMP}\n`,
        expect: [{ file: 'schema.sql', line: 3, column: 1, message: 'no longer matches the migrations' }],
      },
      {
        name: USERS_UP,
        sql: '-- dumpSchema is set, but there is no schema.sql\n' + USERS_SQL,
        schemaDump: null,
        expect: [{ file: 'schema.sql', line: 1, column: 1, message: 'does not exist' }],
      },
      {
        name: USERS_UP,
        sql: '-- schema.sql written by hand, without the origin line of `sqlmig dump`\n' + USERS_SQL,
        schemaDump: `${USERS_DUMP}\n`,
        expect: [{ file: 'schema.sql', line: 1, column: 1, message: 'has no origin line' }],
      },
    ],
    good: [
      {
        name: ORDERS_UP,
        sql: '-- schema.sql was written after this migration\n' + ORDERS_SQL,
        files: [{ name: USERS_UP, sql: USERS_SQL }],
        schemaDump: `-- header\n{{origin}}\n\n${USERS_DUMP}\n`,
      },
    ],
  },
  check(context) {
    return {
      sequenceEnd() {
        const dump = context.schemaDump;
        if (!dump) return;
        const name = basename(dump.path);
        const hint = `run \`sqlmig dump -o ${name}\` (or any \`sqlmig up\`, \`down\`, \`new\`) and commit ${name} with the migrations`;
        if (!dump.found) {
          context.report({ path: dump.path, span: line(1), message: `${name} (dumpSchema) does not exist`, hint });
          return;
        }
        const { recorded, current } = dump;
        if (recorded === null) {
          context.report({
            path: dump.path,
            span: line(1),
            message: `${name} has no origin line (\`-- sqlmig:dump migrations=…\`), so lint cannot tell whether it matches the migrations`,
            hint,
          });
          return;
        }
        if (recorded.digest === current.digest) return;
        const why =
          recorded.to === current.to
            ? `an up file up to ${version(current.to)} changed after it was written`
            : `it is the schema up to ${version(recorded.to)}, the migrations go to ${version(current.to)}`;
        context.report({ path: dump.path, span: line(recorded.line), message: `${name} no longer matches the migrations: ${why}`, hint });
      },
    };
  },
};

export default rule;

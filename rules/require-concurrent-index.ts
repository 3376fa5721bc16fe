import { displayName, headSpan } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
import { existedBefore, objectKey } from '../src/lint/schema.js';
import type { QualifiedName } from '../src/parse/types.js';
import { USERS, USERS_ROWS } from '../src/lint/example-fixtures.js';

const USERS_WITH_INDEX = {
  name: '0001_create_users.up.sql',
  sql: USERS.sql + '\nCREATE INDEX IF NOT EXISTS idx_users_email ON users (email);',
};

const HINT =
  'in a migration of its own whose first line is -- sqlmig:no-transaction: DROP INDEX CONCURRENTLY IF EXISTS <index> ' +
  '(which also clears an invalid index a failed build left), then CREATE INDEX CONCURRENTLY';

const rule: Rule = {
  id: 'require-concurrent-index',
  defaultSeverity: 'error',
  description: 'CREATE INDEX, DROP INDEX or REINDEX without CONCURRENTLY on a table that existed before this migration',
  rationale:
    'SOP "indexes built CONCURRENTLY": CREATE INDEX holds a SHARE lock on the table for the whole build, which ' +
    'blocks every INSERT, UPDATE and DELETE (reads go on); on a busy table the build takes minutes and so does the ' +
    'outage. DROP INDEX takes an ACCESS EXCLUSIVE lock on the table, which blocks reads and writes and queues every ' +
    'later query behind it while it waits for running ones. REINDEX holds a SHARE lock on the table (and ACCESS ' +
    'EXCLUSIVE on the index, so reads that would use it wait too). The CONCURRENTLY forms take SHARE UPDATE ' +
    'EXCLUSIVE, which blocks neither reads nor writes (PostgreSQL documentation, "Building Indexes Concurrently"). ' +
    'PostgreSQL refuses them inside a transaction, so write them in a file whose first line is ' +
    '`-- sqlmig:no-transaction`: `DROP INDEX CONCURRENTLY IF EXISTS` first, which also removes an invalid index a ' +
    'failed concurrent build left behind, then `CREATE INDEX CONCURRENTLY`. Not flagged: a table this migration ' +
    'created (it has no rows yet).',
  examples: {
    bad: [
      {
        name: '0002_index_users_email.up.sql',
        sql: 'CREATE INDEX IF NOT EXISTS idx_users_email ON users (email);',
        files: [USERS],
        expect: [{ line: 1, column: 1, message: 'SHARE lock' }],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'ShareLock', scan: true, rewrite: false },
      },
      {
        name: '0002_drop_users_email_index.up.sql',
        sql: 'DROP INDEX IF EXISTS idx_users_email;',
        files: [USERS_WITH_INDEX],
        expect: [{ line: 1, column: 1, message: 'ACCESS EXCLUSIVE' }],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      {
        name: '0002_reindex_users.up.sql',
        sql: 'REINDEX TABLE users;',
        files: [USERS_WITH_INDEX],
        expect: [{ line: 1, column: 1, message: 'REINDEX' }],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'ShareLock', scan: true, rewrite: false },
      },
    ],
    good: [
      {
        name: '0002_index_users_email.up.sql',
        sql:
          '-- sqlmig:no-transaction\n' +
          'DROP INDEX CONCURRENTLY IF EXISTS idx_users_email;\n' +
          'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);',
        files: [USERS],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'ShareUpdateExclusiveLock', rewrite: false },
      },
      {
        name: '0001_create_users.down.sql',
        sql: 'DROP INDEX IF EXISTS idx_users_email;\nDROP TABLE IF EXISTS users;',
        files: [USERS_WITH_INDEX],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      {
        name: '0002_create_teams.up.sql',
        sql:
          'CREATE TABLE IF NOT EXISTS teams (id bigint PRIMARY KEY, name text);\n' +
          'CREATE INDEX IF NOT EXISTS idx_teams_name ON teams (name);',
        files: [USERS],
        effect: { table: 'users', rows: USERS_ROWS, lock: null, scan: false, rewrite: false },
      },
    ],
  },
  check(context) {
    /** The table of an index, as far as the model knows (undefined: an index the sequence does not know). */
    const tableOfIndex = (index: QualifiedName) => {
      const tableKey = context.schema.indexes.get(objectKey(index))?.table;
      return tableKey === undefined ? undefined : context.schema.tables.get(tableKey);
    };
    const onExisting = (file: LintFile, table: QualifiedName | undefined, index?: QualifiedName) => {
      if (index) return existedBefore(tableOfIndex(index), file);
      return table === undefined || existedBefore(context.schema.table(table), file);
    };
    /** Tables this file drops: locking one first changes nothing (DROP TABLE takes ACCESS EXCLUSIVE anyway). */
    let dropped = new Set<string>();
    return {
      fileStart(file) {
        dropped = new Set();
        for (const statement of file.statements) {
          const view = statement.view;
          if (view.kind === 'drop' && view.objectType === 'table') for (const target of view.objects) dropped.add(objectKey(target.name));
        }
      },
      statement(statement, file) {
        const view = statement.view;
        if (view.kind === 'drop' && view.objectType === 'index') {
          const tables = view.objects.map((target) => context.schema.indexes.get(objectKey(target.name))?.table);
          if (tables.every((key) => key !== undefined && dropped.has(key))) return;
        }
        if (view.kind === 'create-index' && !view.concurrently && onExisting(file, view.table)) {
          context.report({
            span: headSpan(statement),
            table: view.table,
            message: `CREATE INDEX on ${displayName(view.table)} holds a SHARE lock for the whole build, blocking every write to the table`,
            hint: HINT,
          });
        } else if (view.kind === 'drop' && view.objectType === 'index' && !view.concurrently) {
          const existing = view.objects.find((target) => onExisting(file, undefined, target.name));
          if (!existing) return;
          const table = tableOfIndex(existing.name);
          context.report({
            span: headSpan(statement),
            ...(table ? { table } : {}),
            message: 'DROP INDEX takes an ACCESS EXCLUSIVE lock on its table, blocking reads and writes while it waits and runs',
            hint: HINT,
          });
        } else if (view.kind === 'reindex' && !view.concurrently) {
          const existing =
            view.target === 'table' ? onExisting(file, view.name) : view.target === 'index' && view.name ? onExisting(file, undefined, view.name) : true;
          if (!existing) return;
          const table = view.target === 'table' ? view.name : view.target === 'index' && view.name ? tableOfIndex(view.name) : undefined;
          context.report({
            span: headSpan(statement),
            ...(table ? { table } : {}),
            message: `REINDEX ${view.target.toUpperCase()} holds a SHARE lock on the table (and ACCESS EXCLUSIVE on the index), blocking writes for the whole rebuild`,
            hint: `in a migration whose first line is -- sqlmig:no-transaction: REINDEX ${view.target.toUpperCase()} CONCURRENTLY`,
          });
        }
      },
    };
  },
};

export default rule;

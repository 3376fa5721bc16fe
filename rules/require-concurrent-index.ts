import { displayName, headSpan } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
import { accessExclusiveTables, type LockLookups } from '../src/lint/lock-modes.js';
import { objectKey, transactionOf } from '../src/lint/schema.js';
import type { QualifiedName, Statement } from '../src/parse/types.js';
import { USERS, USERS_ROWS } from '../src/lint/example-fixtures.js';

const USERS_WITH_INDEX = {
  name: '0001_create_users.up.sql',
  sql: USERS.sql + '\nCREATE INDEX IF NOT EXISTS idx_users_email ON users (email);',
};

const USERS_WITH_TWO_INDEXES = {
  name: '0001_create_users.up.sql',
  sql: USERS_WITH_INDEX.sql + '\nCREATE INDEX IF NOT EXISTS idx_users_id_email ON users (id, email);',
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
    'failed concurrent build left behind, then `CREATE INDEX CONCURRENTLY`. Not flagged: a table or materialized view ' +
    'this migration created (no other session sees it before COMMIT), and a DROP INDEX on a table that an earlier ' +
    'statement of the same transaction already locked ACCESS EXCLUSIVE (ALTER TABLE that adds, drops or changes ' +
    'columns or constraints, or drops a foreign key that references it, TRUNCATE, another DROP INDEX) or that the file drops: that lock lasts until COMMIT ' +
    'whatever the DROP INDEX does, so the finding belongs to where it starts.',
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
      {
        // concourse 0083: the first DROP INDEX is where the ACCESS EXCLUSIVE lock starts; the second adds no blocking.
        name: '0002_drop_users_indexes.up.sql',
        sql: 'DROP INDEX IF EXISTS idx_users_email;\nDROP INDEX IF EXISTS idx_users_id_email;',
        files: [USERS_WITH_TWO_INDEXES],
        expect: [{ line: 1, column: 1, message: 'ACCESS EXCLUSIVE' }],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      {
        // A materialized view an earlier migration built has rows: the build's SHARE lock blocks its REFRESH meanwhile.
        name: '0003_index_user_emails.up.sql',
        sql: 'CREATE UNIQUE INDEX IF NOT EXISTS user_emails_id ON user_emails (id);',
        files: [USERS, { name: '0002_create_user_emails.up.sql', sql: 'CREATE MATERIALIZED VIEW IF NOT EXISTS user_emails AS SELECT id, email FROM users;' }],
        expect: [{ line: 1, column: 1, message: 'SHARE lock' }],
        effect: { table: 'user_emails', rows: USERS_ROWS + '\nREFRESH MATERIALIZED VIEW user_emails;', lock: 'ShareLock', scan: true, rewrite: false },
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
        // concourse 0059: ADD COLUMN already holds ACCESS EXCLUSIVE on users until COMMIT when the DROP INDEX runs.
        name: '0002_users_nickname.up.sql',
        sql: 'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;\nDROP INDEX IF EXISTS idx_users_email;',
        files: [USERS_WITH_INDEX],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      {
        // documenso 0070, hatchet 0003: dropping orders' foreign key locks users, the table it references, ACCESS EXCLUSIVE.
        name: '0003_orders_without_user.up.sql',
        sql: 'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_user_id_fkey;\nDROP INDEX IF EXISTS idx_users_email;',
        files: [
          USERS_WITH_INDEX,
          { name: '0002_create_orders.up.sql', sql: 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint CONSTRAINT orders_user_id_fkey REFERENCES users);' },
        ],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessExclusiveLock', scan: false, rewrite: false },
      },
      {
        // Lemmy and concourse: a materialized view built in this migration, so the same transaction can index it.
        name: '0002_create_user_emails.up.sql',
        sql:
          'CREATE MATERIALIZED VIEW IF NOT EXISTS user_emails AS SELECT id, email FROM users;\n' +
          'CREATE UNIQUE INDEX IF NOT EXISTS user_emails_id ON user_emails (id);\n' +
          'DROP INDEX IF EXISTS user_emails_id;',
        files: [USERS],
        effect: { table: 'users', rows: USERS_ROWS, lock: 'AccessShareLock', scan: true, rewrite: false },
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
    /** Whether the relation (a table or materialized view), or the one the index is on, held rows before this migration. */
    const onExisting = (file: LintFile, table: QualifiedName | undefined, index?: QualifiedName) => {
      if (index) {
        const tableKey = context.schema.indexes.get(objectKey(index))?.table;
        return tableKey === undefined || context.schema.relationExistedBefore(tableKey, file);
      }
      return table === undefined || context.schema.relationExistedBefore(objectKey(table), file);
    };
    /** Tables this file drops: locking one first changes nothing (DROP TABLE takes ACCESS EXCLUSIVE anyway). Found when a DROP INDEX asks. */
    let dropped: Set<string> | undefined;
    const droppedIn = (file: LintFile): Set<string> => {
      if (dropped) return dropped;
      dropped = new Set();
      for (const statement of file.statements) {
        const view = statement.view;
        if (view.kind === 'drop' && view.objectType === 'table') for (const target of view.objects) dropped.add(objectKey(target.name));
      }
      return dropped;
    };
    /**
     * Tables an earlier statement of this file's transaction locked ACCESS EXCLUSIVE: the lock is held until
     * COMMIT, so a DROP INDEX on one blocks no one that statement did not already block (its finding, if any, is
     * where the blocking starts), and DROP INDEX CONCURRENTLY elsewhere would not lift that lock.
     */
    const lockedExclusive = new Set<string>();
    const indexTable = (index: string) => context.schema.indexes.get(index)?.table;
    const lookups: LockLookups = {
      tableOfIndex: indexTable,
      referencedTable: (table, constraint) => context.schema.tables.get(table)?.foreignKeys.find((fk) => fk.name === constraint)?.references,
    };
    return {
      fileStart() {
        dropped = undefined;
        lockedExclusive.clear();
      },
      statement(statement, file) {
        const view = statement.view;
        // In a -- sqlmig:no-transaction file each statement commits, and its lock goes, at once.
        if (transactionOf(statement, file) !== file) lockedExclusive.clear();
        checkStatement(statement, file);
        if (transactionOf(statement, file) === file) for (const key of accessExclusiveTables(view, lookups)) lockedExclusive.add(key);
      },
    };

    function checkStatement(statement: Statement, file: LintFile): void {
      const view = statement.view;
      if (view.kind === 'drop' && view.objectType === 'index') {
        const tables = view.objects.map((target) => context.schema.indexes.get(objectKey(target.name))?.table);
        if (tables.every((key) => key !== undefined && droppedIn(file).has(key))) return;
      }
      if (view.kind === 'create-index' && !view.concurrently && onExisting(file, view.table)) {
        context.report({
          span: headSpan(statement),
          table: view.table,
          message: `CREATE INDEX on ${displayName(view.table)} holds a SHARE lock for the whole build, blocking every write to the table`,
          hint: HINT,
        });
      } else if (view.kind === 'drop' && view.objectType === 'index' && !view.concurrently) {
        const existing = view.objects.find((target) => {
          const tableKey = indexTable(objectKey(target.name));
          return onExisting(file, undefined, target.name) && (tableKey === undefined || !lockedExclusive.has(tableKey));
        });
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
    }
  },
};

export default rule;

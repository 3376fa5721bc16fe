import { displayName, headSpan, pointAt, quoteIdent } from '../src/lint/helpers.js';
import type { Rule } from '../src/lint/rule.js';
import type { Span } from '../src/parse/types.js';

const rule: Rule = {
  id: 'require-if-not-exists',
  defaultSeverity: 'error',
  description: 'CREATE TABLE/INDEX/SCHEMA/SEQUENCE/EXTENSION, CREATE VIEW and ADD COLUMN must be safe to re-run',
  rationale:
    'SOP "safe re-runs": a migration that fails halfway, or is applied by hand to a database that already has ' +
    'part of it, must be able to run again. CREATE TABLE, CREATE INDEX, CREATE SCHEMA, CREATE SEQUENCE, ' +
    'CREATE EXTENSION, CREATE MATERIALIZED VIEW and ALTER TABLE … ADD COLUMN take IF NOT EXISTS; a view is ' +
    're-created with CREATE OR REPLACE VIEW. Statements inside a DO block are left alone: the block is ' +
    'where such guards are written. Temporary tables live for one session and are not checked.',
  examples: {
    bad: [
      { sql: 'CREATE TABLE users (id bigint PRIMARY KEY);', expect: [{ line: 1, column: 14, endColumn: 19 }] },
      {
        sql: 'CREATE INDEX idx_users_email ON users (email);\nALTER TABLE users ADD COLUMN name text;',
        expect: [{ line: 1, column: 1 }, { line: 2, column: 19, endColumn: 39 }],
      },
      { sql: 'CREATE VIEW active_users AS SELECT * FROM users;', expect: [{ line: 1, column: 13 }] },
      { sql: 'CREATE SCHEMA app;\nCREATE EXTENSION pgcrypto;', expect: [{ line: 1, column: 1 }, { line: 2, column: 1 }] },
    ],
    good: [
      { sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);' },
      {
        sql:
          'CREATE INDEX IF NOT EXISTS idx_users_email ON users (email);\n' +
          'ALTER TABLE users ADD COLUMN IF NOT EXISTS name text;\n' +
          'CREATE OR REPLACE VIEW active_users AS SELECT * FROM users;',
      },
      {
        sql:
          "DO $$ BEGIN\n  IF to_regclass('users') IS NULL THEN\n    CREATE TABLE users (id bigint);\n  END IF;\nEND $$;",
      },
      { sql: 'CREATE TEMPORARY TABLE scratch (id bigint);' },
      { sql: 'ALTER TYPE address ADD ATTRIBUTE zip varchar(16);' },
    ],
  },
  check(context) {
    const report = (span: Span, what: string, hint: string) =>
      context.report({ span, message: `${what} fails when it already exists`, hint });
    const ifNotExists = (keyword: string) =>
      `write ${keyword} IF NOT EXISTS so the migration can run again`;

    return {
      statement(statement) {
        if (statement.embedded) return;
        const view = statement.view;
        switch (view.kind) {
          case 'create-table':
            if (!view.ifNotExists && !view.temporary) {
              report(pointAt(view.table.span, statement), `CREATE TABLE ${displayName(view.table)}`, ifNotExists('CREATE TABLE'));
            }
            return;
          case 'create-index':
            if (view.ifNotExists) return;
            report(
              headSpan(statement),
              view.name ? `CREATE INDEX ${quoteIdent(view.name)}` : `CREATE INDEX without a name`,
              view.name
                ? ifNotExists(view.unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX')
                : 'name the index and write CREATE INDEX IF NOT EXISTS <name>: an unnamed index is created again on every run',
            );
            return;
          case 'create-schema':
            if (!view.ifNotExists) report(headSpan(statement), `CREATE SCHEMA ${quoteIdent(view.name)}`, ifNotExists('CREATE SCHEMA'));
            return;
          case 'create-sequence':
            if (!view.ifNotExists) {
              report(pointAt(view.sequence.span, statement), `CREATE SEQUENCE ${displayName(view.sequence)}`, ifNotExists('CREATE SEQUENCE'));
            }
            return;
          case 'create-extension':
            if (!view.ifNotExists) {
              report(headSpan(statement), `CREATE EXTENSION ${quoteIdent(view.name)}`, ifNotExists('CREATE EXTENSION'));
            }
            return;
          case 'create-view':
            if (view.materialized && !view.ifNotExists) {
              report(pointAt(view.view.span, statement), `CREATE MATERIALIZED VIEW ${displayName(view.view)}`, ifNotExists('CREATE MATERIALIZED VIEW'));
            } else if (!view.materialized && !view.orReplace) {
              report(pointAt(view.view.span, statement), `CREATE VIEW ${displayName(view.view)}`, 'write CREATE OR REPLACE VIEW so the migration can run again');
            }
            return;
          case 'alter-table':
            // ALTER TYPE … ADD ATTRIBUTE has no IF NOT EXISTS.
            if (view.objectType === 'type') return;
            for (const action of view.actions) {
              if (action.type === 'add-column' && !action.ifNotExists) {
                report(action.span, `ADD COLUMN ${quoteIdent(action.column.name)}`, 'write ADD COLUMN IF NOT EXISTS so the migration can run again');
              }
            }
            return;
          default:
            return;
        }
      },
    };
  },
};

export default rule;

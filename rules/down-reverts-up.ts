import { CONSTRAINT_LABELS, INDEX_LABEL, couldBeGeneratedName, generatedName } from '../src/lint/generated-names.js';
import { displayName, headSpan, pointAt, quoteIdent } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
import { DEFAULT_SCHEMA, type ObjectKey, type SchemaModel } from '../src/lint/schema.js';
import type { AlterTableAction, Span, Statement, ViewOf } from '../src/parse/types.js';

type Kind =
  | 'table' | 'column' | 'index' | 'view' | 'materialized view' | 'type' | 'domain' | 'schema' | 'sequence'
  | 'function' | 'procedure' | 'constraint' | 'trigger';

interface Name {
  schema: string;
  name: string;
}

/** Something the up file creates, which its down file must drop. */
interface Created {
  kind: Kind;
  /** A column's, constraint's or trigger's own name (and its table's schema); a schema is `{ schema: s, name: s }`. */
  name: Name;
  /** What it belongs to: the table of a column, index, constraint or trigger; a partition's parent table. */
  table?: Name;
  /** The columns an index or constraint is on (dropping one drops it). */
  columns: string[];
  /** Unnamed constraints and indexes: PostgreSQL names them `<table>_…_<label>`. */
  generatedLabel?: string;
  /** Dropped with CASCADE along with this: a column's type, a foreign key's referenced table. */
  dependsOn?: ObjectKey;
  /** A view, function or trigger that existed before the up file: restoring it (CREATE OR REPLACE) reverts it too. */
  replaced: boolean;
  /** A function's argument types as written, for the hint. */
  argTypes?: string[];
  span: Span;
}

const VIEW_KINDS: ReadonlySet<Kind> = new Set(['view', 'materialized view']);
const TYPE_KINDS: ReadonlySet<Kind> = new Set(['type', 'domain']);
const ROUTINE_KINDS: ReadonlySet<Kind> = new Set(['function', 'procedure']);

function resolve(name: { schema?: string; name: string }): Name {
  return { schema: name.schema ?? DEFAULT_SCHEMA, name: name.name };
}

function keyOf(name: Name): ObjectKey {
  return `${name.schema}.${name.name}`;
}

function same(a: Name | undefined, b: Name | undefined): boolean {
  return a !== undefined && b !== undefined && a.schema === b.schema && a.name === b.name;
}

function removeWhere(pending: Created[], covered: (created: Created) => boolean): void {
  for (let index = pending.length - 1; index >= 0; index--) if (covered(pending[index]!)) pending.splice(index, 1);
}

/**
 * Updates `pending` for one statement: what it drops is no longer pending,
 * what it renames is pending under the new name, and a replaced view,
 * function or trigger it re-creates is restored.
 */
function revert(statement: Statement, pending: Created[]): void {
  const view = statement.view;
  switch (view.kind) {
    case 'drop':
      drop(view, pending);
      return;
    case 'rename':
      rename(view, pending);
      return;
    case 'alter-table': {
      const table = resolve(view.table);
      for (const action of view.actions) alterTable(table, action, pending);
      return;
    }
    case 'create-view': {
      const name = resolve(view.view);
      removeWhere(pending, (created) => created.replaced && VIEW_KINDS.has(created.kind) && same(created.name, name));
      return;
    }
    case 'create-function': {
      const name = resolve(view.name);
      removeWhere(pending, (created) => created.replaced && ROUTINE_KINDS.has(created.kind) && same(created.name, name));
      return;
    }
    case 'create-trigger': {
      const table = resolve(view.table);
      removeWhere(
        pending,
        (created) => created.replaced && created.kind === 'trigger' && created.name.name === view.name && same(created.table, table),
      );
      return;
    }
    default:
      return;
  }
}

function drop(view: ViewOf<'drop'>, pending: Created[]): void {
  const targets = view.objects.map((target) => resolve(target.name));
  const keys = new Set(targets.map(keyOf));
  switch (view.objectType) {
    case 'table':
    case 'foreign-table':
      dropTables(keys, view.cascade, pending);
      return;
    case 'view':
    case 'materialized-view':
      removeWhere(pending, (created) => VIEW_KINDS.has(created.kind) && keys.has(keyOf(created.name)));
      return;
    case 'index':
      removeWhere(
        pending,
        (created) =>
          created.kind === 'index' &&
          targets.some(
            (target) =>
              same(created.name, target) ||
              (created.generatedLabel !== undefined &&
                target.schema === created.name.schema &&
                couldBeGeneratedName(target.name, created.table!.name, created.generatedLabel)),
          ),
      );
      return;
    case 'type':
    case 'domain':
      removeWhere(
        pending,
        (created) =>
          (TYPE_KINDS.has(created.kind) && keys.has(keyOf(created.name))) ||
          (view.cascade && created.kind === 'column' && created.dependsOn !== undefined && keys.has(created.dependsOn)),
      );
      return;
    case 'sequence':
      removeWhere(pending, (created) => created.kind === 'sequence' && keys.has(keyOf(created.name)));
      return;
    case 'function':
    case 'procedure':
    case 'routine':
      removeWhere(pending, (created) => ROUTINE_KINDS.has(created.kind) && keys.has(keyOf(created.name)));
      return;
    case 'trigger':
      for (const target of view.objects) {
        const table = target.table && resolve(target.table);
        removeWhere(pending, (created) => created.kind === 'trigger' && created.name.name === target.name.name && same(created.table, table));
      }
      return;
    case 'schema': {
      // Schema names are not qualified: the parser gives them as a name without a schema.
      const schemas = new Set(view.objects.map((target) => target.name.name));
      removeWhere(pending, (created) =>
        view.cascade
          ? schemas.has(created.name.schema) || (created.table !== undefined && schemas.has(created.table.schema))
          : created.kind === 'schema' && schemas.has(created.name.name),
      );
      return;
    }
    default:
      return;
  }
}

/** Dropping a table drops its columns, indexes, constraints, triggers and partitions; CASCADE also the foreign keys to it. */
function dropTables(keys: Set<ObjectKey>, cascade: boolean, pending: Created[]): void {
  const dropped = new Set(keys);
  let grew = true;
  while (grew) {
    grew = false;
    for (const created of pending) {
      if (created.kind === 'table' && created.table && dropped.has(keyOf(created.table)) && !dropped.has(keyOf(created.name))) {
        dropped.add(keyOf(created.name));
        grew = true;
      }
    }
  }
  removeWhere(
    pending,
    (created) =>
      (created.kind === 'table' && dropped.has(keyOf(created.name))) ||
      (created.kind !== 'table' && created.table !== undefined && dropped.has(keyOf(created.table))) ||
      (cascade && created.kind === 'constraint' && created.dependsOn !== undefined && dropped.has(created.dependsOn)),
  );
}

function alterTable(table: Name, action: AlterTableAction, pending: Created[]): void {
  const onTable = (created: Created) => same(created.table, table);
  switch (action.type) {
    case 'drop-column':
      removeWhere(
        pending,
        (created) =>
          onTable(created) &&
          ((created.kind === 'column' && created.name.name === action.column) ||
            ((created.kind === 'index' || created.kind === 'constraint') && created.columns.includes(action.column))),
      );
      return;
    case 'drop-constraint':
      removeWhere(
        pending,
        (created) =>
          created.kind === 'constraint' &&
          onTable(created) &&
          (created.name.name === action.name ||
            (created.generatedLabel !== undefined && couldBeGeneratedName(action.name, table.name, created.generatedLabel))),
      );
      return;
    case 'rename-column':
      for (const created of pending.filter(onTable)) {
        if (created.kind === 'column' && created.name.name === action.column) created.name = { ...created.name, name: action.newName };
        created.columns = created.columns.map((column) => (column === action.column ? action.newName : column));
      }
      return;
    case 'rename-constraint':
      for (const created of pending) {
        if (created.kind === 'constraint' && onTable(created) && created.name.name === action.name) {
          created.name = { ...created.name, name: action.newName };
        }
      }
      return;
    default:
      return;
  }
}

function rename(view: ViewOf<'rename'>, pending: Created[]): void {
  const from = resolve(view.object);
  const to: Name = { schema: from.schema, name: view.newName };
  const renameWhere = (kinds: ReadonlySet<Kind>) => {
    for (const created of pending) if (kinds.has(created.kind) && same(created.name, from)) created.name = to;
  };
  switch (view.objectType) {
    case 'table':
    case 'foreign-table':
      renameWhere(new Set(['table']));
      for (const created of pending) {
        if (same(created.table, from)) created.table = to;
        if (created.dependsOn === keyOf(from)) created.dependsOn = keyOf(to);
      }
      return;
    case 'index':
      renameWhere(new Set(['index']));
      return;
    case 'view':
    case 'materialized-view':
      renameWhere(VIEW_KINDS);
      return;
    case 'type':
    case 'domain':
      renameWhere(TYPE_KINDS);
      return;
    case 'sequence':
      renameWhere(new Set(['sequence']));
      return;
    case 'function':
    case 'procedure':
      renameWhere(ROUTINE_KINDS);
      return;
    case 'trigger': {
      const table = view.table && resolve(view.table);
      for (const created of pending) {
        if (created.kind === 'trigger' && created.name.name === view.object.name && same(created.table, table)) {
          created.name = { ...created.name, name: view.newName };
        }
      }
      return;
    }
    case 'schema': {
      const move = (name: Name): Name => (name.schema === view.object.name ? { ...name, schema: view.newName } : name);
      for (const created of pending) {
        created.name = created.kind === 'schema' && created.name.name === view.object.name ? { schema: view.newName, name: view.newName } : move(created.name);
        if (created.table) created.table = move(created.table);
      }
      return;
    }
    default:
      return;
  }
}

/**
 * What one statement of the up file adds to `pending`. `now` is the schema
 * before the statement (what exists is not created again: IF NOT EXISTS);
 * `before` is the schema before the up file (what a view, function or
 * trigger replaces). Columns, indexes, constraints and triggers of a table
 * the file creates are not listed: dropping the table reverts them.
 */
function collect(statement: Statement, now: SchemaModel, before: SchemaModel, pending: Created[]): void {
  const add = (created: Omit<Created, 'columns' | 'replaced'> & Partial<Pick<Created, 'columns' | 'replaced'>>) => {
    const duplicate = pending.some(
      (other) => other.kind === created.kind && same(other.name, created.name) && (other.table === undefined || same(other.table, created.table)),
    );
    if (!duplicate) pending.push({ columns: [], replaced: false, ...created });
  };
  const createdHere = (table: Name) => pending.some((created) => created.kind === 'table' && same(created.name, table));
  const view = statement.view;
  switch (view.kind) {
    case 'create-table':
      if (view.temporary || now.hasTable(view.table)) return;
      add({
        kind: 'table',
        name: resolve(view.table),
        ...(view.partitionOf ? { table: resolve(view.partitionOf) } : {}),
        span: pointAt(view.table.span, statement),
      });
      return;
    case 'create-index': {
      const table = resolve(view.table);
      if (createdHere(table)) return;
      const name = { schema: table.schema, name: view.name ?? generatedName(table.name, view.columns, INDEX_LABEL) };
      if (view.name !== undefined && now.indexes.has(keyOf(name))) return;
      add({
        kind: 'index',
        name,
        table,
        columns: view.columns,
        ...(view.name === undefined ? { generatedLabel: INDEX_LABEL } : {}),
        span: headSpan(statement),
      });
      return;
    }
    case 'alter-table': {
      const table = resolve(view.table);
      if (createdHere(table)) return;
      const existing = now.table(view.table);
      for (const action of view.actions) {
        if (action.type === 'add-column') {
          const { column } = action;
          if (existing?.columns.has(column.name)) continue;
          const type = column.type;
          add({
            kind: 'column',
            name: { schema: table.schema, name: column.name },
            table,
            columns: [column.name],
            ...(type && type.schema !== 'pg_catalog' ? { dependsOn: keyOf(resolve(type)) } : {}),
            span: column.span,
          });
        } else if (action.type === 'add-constraint') {
          const { constraint } = action;
          if (constraint.usingIndex !== undefined) {
            // The index becomes the constraint's: dropping the constraint drops it.
            const index = { schema: table.schema, name: constraint.usingIndex };
            removeWhere(pending, (created) => created.kind === 'index' && same(created.name, index));
          }
          if (constraint.name !== undefined && existing?.constraints.has(constraint.name)) continue;
          const label = CONSTRAINT_LABELS[constraint.kind];
          add({
            kind: 'constraint',
            name: { schema: table.schema, name: constraint.name ?? generatedName(table.name, constraint.columns, label) },
            table,
            columns: constraint.columns,
            ...(constraint.name === undefined ? { generatedLabel: label } : {}),
            ...(constraint.references ? { dependsOn: keyOf(resolve(constraint.references.table)) } : {}),
            span: constraint.span,
          });
        }
      }
      return;
    }
    case 'create-view': {
      const name = resolve(view.view);
      if (now.views.has(keyOf(name)) && !view.orReplace) return;
      add({
        kind: view.materialized ? 'materialized view' : 'view',
        name,
        replaced: !view.materialized && before.views.has(keyOf(name)),
        span: pointAt(view.view.span, statement),
      });
      return;
    }
    case 'create-type': {
      const name = resolve(view.type);
      if (now.types.has(keyOf(name))) return;
      add({ kind: view.variant === 'domain' ? 'domain' : 'type', name, span: pointAt(view.type.span, statement) });
      return;
    }
    case 'create-function': {
      const name = resolve(view.name);
      const signature = view.argTypes.join(',');
      if (now.functions.get(keyOf(name))?.has(signature) && !view.orReplace) return;
      add({
        kind: view.procedure ? 'procedure' : 'function',
        name,
        replaced: before.functions.get(keyOf(name))?.has(signature) ?? false,
        argTypes: view.argTypes,
        span: pointAt(view.name.span, statement),
      });
      return;
    }
    case 'create-trigger': {
      const table = resolve(view.table);
      if (createdHere(table) || (now.table(view.table)?.triggers.has(view.name) && !view.orReplace)) return;
      add({
        kind: 'trigger',
        name: { schema: table.schema, name: view.name },
        table,
        replaced: before.table(view.table)?.triggers.has(view.name) ?? false,
        span: headSpan(statement),
      });
      return;
    }
    case 'create-schema':
      if (now.schemas.has(view.name)) return;
      add({ kind: 'schema', name: { schema: view.name, name: view.name }, span: headSpan(statement) });
      return;
    case 'create-sequence':
      if (now.sequences.has(keyOf(resolve(view.sequence)))) return;
      add({ kind: 'sequence', name: resolve(view.sequence), span: pointAt(view.sequence.span, statement) });
      return;
    default:
      return;
  }
}

/** As written in a hint: schema-qualified unless it is in `public`. */
function shown(name: Name): string {
  return displayName(name.schema === DEFAULT_SCHEMA ? { name: name.name } : name);
}

/** What the finding calls the object, and the statement that drops it. */
function describe(created: Created): { what: string; drop: string } {
  const name = shown(created.name);
  const table = created.table ? shown(created.table) : '';
  const own = quoteIdent(created.name.name);
  switch (created.kind) {
    case 'column':
      return { what: `column ${own} of ${table}`, drop: `ALTER TABLE ${table} DROP COLUMN IF EXISTS ${own};` };
    case 'constraint':
      return {
        what: created.generatedLabel ? `the unnamed constraint ${own} on ${table}` : `constraint ${own} on ${table}`,
        drop: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${own};`,
      };
    case 'index':
      return { what: created.generatedLabel ? `the unnamed index ${name} on ${table}` : `index ${name}`, drop: `DROP INDEX IF EXISTS ${name};` };
    case 'trigger':
      return { what: `trigger ${own} on ${table}`, drop: `DROP TRIGGER IF EXISTS ${own} ON ${table};` };
    case 'schema':
      return { what: `schema ${own}`, drop: `DROP SCHEMA IF EXISTS ${own};` };
    case 'function':
    case 'procedure':
      return {
        what: `${created.kind} ${name}`,
        drop: `DROP ${created.kind.toUpperCase()} IF EXISTS ${name}(${(created.argTypes ?? []).join(', ')});`,
      };
    default:
      return { what: `${created.kind} ${name}`, drop: `DROP ${created.kind.toUpperCase()} IF EXISTS ${name};` };
  }
}

const rule: Rule = {
  id: 'down-reverts-up',
  defaultSeverity: 'error',
  description: 'an object the up file creates (table, column, index, view, type, …) that the down file does not drop',
  rationale:
    'SOP "the downgrade must undo the upgrade": after `sqlmig down` the database must be as it was before ' +
    'the migration, or the next `up` fails on objects that are still there. Every table, column, index, ' +
    'view, type, domain, schema, sequence, function, constraint and trigger the up file creates must be ' +
    'dropped by the down file. Dropping a table covers its columns, indexes, constraints, triggers and ' +
    'partitions; DROP SCHEMA … CASCADE covers everything in the schema; dropping a column covers the ' +
    'indexes and constraints on it; DROP … IF EXISTS counts. A view, function or trigger that the up file ' +
    'replaces (CREATE OR REPLACE of one that existed before) may instead be restored with its old definition. ' +
    'Unnamed constraints and indexes match a drop by the name PostgreSQL gives them. Extensions are not ' +
    'required to be dropped (other schemas may use them). Migrations without a down file are require-down’s.',
  examples: {
    bad: [
      {
        name: '0002_add_nickname.up.sql',
        sql:
          'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255);\n' +
          'CREATE INDEX IF NOT EXISTS idx_users_nickname ON users (nickname);\n' +
          'CREATE TABLE IF NOT EXISTS user_tags (user_id bigint, tag varchar(255));',
        files: [{ name: '0002_add_nickname.down.sql', sql: 'DROP TABLE IF EXISTS user_tags;' }],
        expect: [
          { line: 1, column: 44, endColumn: 65, message: 'column nickname of users' },
          { line: 2, column: 1, message: 'index idx_users_nickname' },
        ],
      },
      {
        name: '0003_active_users.up.sql',
        sql:
          'CREATE OR REPLACE VIEW active_users AS SELECT * FROM users WHERE active;\n' +
          'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
        files: [{ name: '0003_active_users.down.sql', sql: 'DROP VIEW IF EXISTS users_view;' }],
        expect: [
          { line: 1, column: 24, message: 'view active_users' },
          { line: 2, column: 24, message: 'constraint orders_user_fk on orders' },
        ],
      },
    ],
    good: [
      {
        name: '0002_add_nickname.up.sql',
        sql:
          'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname varchar(255);\n' +
          'CREATE INDEX IF NOT EXISTS idx_users_nickname ON users (nickname);\n' +
          'CREATE TABLE IF NOT EXISTS user_tags (user_id bigint REFERENCES users (id), tag varchar(255));\n' +
          'CREATE INDEX IF NOT EXISTS idx_user_tags_tag ON user_tags (tag);',
        files: [
          {
            name: '0002_add_nickname.down.sql',
            sql: 'DROP TABLE IF EXISTS user_tags;\nDROP INDEX IF EXISTS idx_users_nickname;\nALTER TABLE users DROP COLUMN IF EXISTS nickname;',
          },
        ],
      },
      {
        name: '0003_app_schema.up.sql',
        sql:
          'CREATE SCHEMA IF NOT EXISTS app;\n' +
          "CREATE TYPE app.mood AS ENUM ('happy', 'sad');\n" +
          'CREATE TABLE IF NOT EXISTS app.people (id bigint PRIMARY KEY, mood app.mood);\n' +
          'CREATE OR REPLACE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
        files: [{ name: '0003_app_schema.down.sql', sql: 'DROP SCHEMA IF EXISTS app CASCADE;' }],
      },
      {
        name: '0004_replace_view.up.sql',
        sql: 'CREATE OR REPLACE VIEW active_users AS SELECT id, email FROM users WHERE active;',
        files: [
          { name: '0001_active_users.up.sql', sql: 'CREATE OR REPLACE VIEW active_users AS SELECT id FROM users WHERE active;' },
          { name: '0001_active_users.down.sql', sql: 'DROP VIEW IF EXISTS active_users;' },
          { name: '0004_replace_view.down.sql', sql: 'CREATE OR REPLACE VIEW active_users AS SELECT id FROM users WHERE active;' },
        ],
      },
    ],
  },
  check(context) {
    const pendingByFile = new Map<LintFile, Created[]>();
    let before: SchemaModel | undefined;
    return {
      fileStart(file) {
        if (file.direction !== 'up') return;
        pendingByFile.set(file, []);
        before = context.schema.fork();
      },
      statement(statement, file) {
        const pending = pendingByFile.get(file);
        if (!pending || !before) return;
        revert(statement, pending);
        collect(statement, context.schema, before, pending);
      },
      migration({ up, down }) {
        const pending = up && pendingByFile.get(up);
        pendingByFile.clear();
        // Without a down file, or with one that says nothing or does not parse, require-down and syntax-error speak.
        if (!up || !pending || !down || down.statements.length === 0 || down.parseErrors.length > 0) return;
        for (const statement of down.statements) {
          revert(statement, pending);
          if (statement.view.kind === 'do-block') for (const embedded of statement.view.statements) revert(embedded, pending);
        }
        for (const created of pending) {
          const { what, drop } = describe(created);
          context.report({
            file: up,
            span: created.span,
            ...(created.replaced
              ? {
                  message: `${what} is replaced here, and ${down.fileName} neither restores nor drops it`,
                  hint: `restore its previous definition in ${down.fileName} (CREATE OR REPLACE as before this migration), or drop it: ${drop}`,
                }
              : {
                  message: `${what} is created here, and ${down.fileName} does not drop it`,
                  hint: `add to ${down.fileName}: ${drop}`,
                }),
          });
        }
      },
    };
  },
};

export default rule;

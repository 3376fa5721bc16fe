import { CONSTRAINT_LABELS } from '../src/lint/generated-names.js';
import { displayName, quoteIdent } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
import { DEFAULT_SCHEMA, objectKey, sameDefinition, type ObjectKey, type Origin, type SchemaModel, type TableInfo } from '../src/lint/schema.js';
import type { ConstraintView, Span } from '../src/parse/types.js';

/**
 * The rule compares the schema model before the up file with the model after
 * its down file (the engine applies the down file to a fork of the model the
 * up file left): what the down file must still drop or restore is what is
 * there afterwards and was not before, or was there with another definition,
 * and got there through the up file. What DROP, CASCADE, RENAME and
 * replacement do is the model's (src/lint/schema.ts).
 */

type Kind =
  | 'table' | 'column' | 'index' | 'view' | 'materialized view' | 'type' | 'domain' | 'schema' | 'sequence'
  | 'function' | 'procedure' | 'constraint' | 'trigger';

interface Name {
  schema: string;
  name: string;
}

/** Something the up file created or replaced that is still there after the down file. */
interface Leftover {
  kind: Kind;
  /** A column's, constraint's or trigger's own name (and its table's schema); a schema is `{ schema: s, name: s }`. */
  name: Name;
  /** The table of a column, index, constraint or trigger. */
  table?: Name;
  /** The columns an index or constraint is on. */
  columns: string[];
  /** Unnamed constraints and indexes: PostgreSQL names them `<table>_…_<label>`. */
  generatedLabel?: string;
  /** It existed before the up file, with another definition. */
  replaced: boolean;
  /** A function's argument types as written, for the hint. */
  argTypes?: string[];
  span: Span;
}

function nameOfKey(key: ObjectKey): Name {
  const dot = key.indexOf('.');
  return { schema: key.slice(0, dot), name: key.slice(dot + 1) };
}

/**
 * Whether two constraints are the same as far as the view tells (kind, columns, referenced table, columns and
 * actions). `REFERENCES t` without columns means t's primary key, which the model does not know: it matches any.
 */
function sameConstraint(a: ConstraintView, b: ConstraintView): boolean {
  if (a.kind !== b.kind || a.columns.join() !== b.columns.join() || !a.references !== !b.references) return false;
  if (!a.references || !b.references) return true;
  const [x, y] = [a.references, b.references];
  const columns = x.columns.length === 0 || y.columns.length === 0 || x.columns.join() === y.columns.join();
  return objectKey(x.table) === objectKey(y.table) && columns && x.actions === y.actions;
}

/**
 * What is in `after` (the model after the down file) that `up` created or
 * replaced since `before`. `afterUp` is the model the up file left: an object
 * the up file created, which the down file created again rather than drop,
 * is reported where the up file created it.
 */
function leftovers(before: SchemaModel, afterUp: SchemaModel, after: SchemaModel, up: LintFile): Leftover[] {
  const found: Leftover[] = [];
  const byUp = (origin: Origin | undefined): origin is Origin => origin?.file === up;
  /** Where the up file created what is there now: its own origin, or the up file's one under the same name. */
  const createdAt = (origin: Origin | undefined, upOrigin: () => Origin | undefined): Origin | undefined => {
    if (byUp(origin)) return origin;
    const other = upOrigin();
    return byUp(other) ? other : undefined;
  };
  const add = (leftover: Omit<Leftover, 'columns' | 'replaced'> & Partial<Pick<Leftover, 'columns' | 'replaced'>>) =>
    found.push({ columns: [], replaced: false, ...leftover });
  /** A relation that is there now but was not before the up file: reported itself (or temporary), with all that is on it. */
  // Only what changed since `before` can differ from it.
  const changed = after.changesSince(before);
  /**
   * The entries of `map` under the changed `keys` that are there now. An array, not a generator: with a
   * generator here, linting 10,000 files took 0.2 s more CPU and 17 MB more peak memory (Node 20, bench/RESULTS.md).
   */
  const present = <V>(keys: ReadonlySet<string>, map: ReadonlyMap<string, V>): Array<[string, V]> => {
    const entries: Array<[string, V]> = [];
    for (const key of keys) {
      const value = map.get(key);
      if (value !== undefined) entries.push([key, value]);
    }
    return entries;
  };
  const newRelation = (key: ObjectKey) => !before.tables.has(key) && !before.views.has(key) && (after.tables.has(key) || after.views.has(key));

  for (const [key, table] of present(changed.tables, after.tables)) {
    const previous = before.tables.get(key);
    if (previous === table || table.temporary) continue;
    if (!previous) {
      const origin = createdAt(table.origin, () => afterUp.tables.get(key)?.origin);
      // Renamed into place from a name that existed before, it stands in for that table.
      if (origin && !table.formerKeys.some((former) => before.tables.has(former))) add({ kind: 'table', name: nameOfKey(key), span: origin.span });
      continue;
    }
    // Created again under the name of one the up file renamed away or dropped (copy-and-swap): it replaces that one.
    if (byUp(table.origin)) continue;
    tableMembers(previous, table, afterUp.tables.get(key), byUp, createdAt, add);
  }
  // Tables from outside the folder: everything the up file added to one is new.
  for (const [key, table] of present(changed.outside, after.outside)) {
    const previous = before.outside.get(key);
    if (previous !== table) tableMembers(previous ?? EMPTY_TABLE, table, afterUp.outside.get(key), byUp, createdAt, add);
  }
  for (const [key, index] of present(changed.indexes, after.indexes)) {
    const origin = createdAt(index.origin, () => afterUp.indexes.get(key)?.origin);
    if (before.indexes.has(key) || !origin || newRelation(index.table)) continue;
    add({
      kind: 'index',
      name: { schema: nameOfKey(key).schema, name: nameOfKey(key).name },
      table: nameOfKey(index.table),
      columns: index.columns,
      ...(index.generatedLabel !== undefined ? { generatedLabel: index.generatedLabel } : {}),
      span: origin.span,
    });
  }
  for (const [key, view] of present(changed.views, after.views)) {
    const previous = before.views.get(key);
    if (previous === view || (previous && sameDefinition(previous.definition, view.definition))) continue;
    // A replaced view that the down file replaced once more was restored (as far as a definition can be compared).
    const origin = previous ? (byUp(view.origin) ? view.origin : undefined) : createdAt(view.origin, () => afterUp.views.get(key)?.origin);
    if (origin) add({ kind: view.materialized ? 'materialized view' : 'view', name: nameOfKey(key), replaced: previous !== undefined, span: origin.span });
  }
  for (const [key, overloads] of present(changed.functions, after.functions)) {
    const previous = before.functions.get(key);
    if (previous === overloads) continue;
    for (const [signature, routine] of overloads) {
      const old = previous?.get(signature);
      if (old && sameDefinition(old.definition, routine.definition)) continue;
      const origin = old ? (byUp(routine.origin) ? routine.origin : undefined) : createdAt(routine.origin, () => afterUp.functions.get(key)?.get(signature)?.origin);
      if (!origin) continue;
      add({
        kind: routine.procedure ? 'procedure' : 'function',
        name: nameOfKey(key),
        replaced: old !== undefined,
        argTypes: routine.argTypes,
        span: origin.span,
      });
    }
  }
  for (const [key, type] of present(changed.types, after.types)) {
    if (before.types.has(key)) continue;
    const origin = createdAt(type.origin, () => afterUp.types.get(key)?.origin);
    if (origin) add({ kind: type.variant === 'domain' ? 'domain' : 'type', name: nameOfKey(key), span: origin.span });
  }
  for (const [key, sequence] of present(changed.sequences, after.sequences)) {
    if (before.sequences.has(key)) continue;
    const origin = createdAt(sequence.origin, () => afterUp.sequences.get(key)?.origin);
    if (origin) add({ kind: 'sequence', name: nameOfKey(key), span: origin.span });
  }
  for (const [schema, info] of present(changed.schemas, after.schemas)) {
    if (before.schemas.has(schema)) continue;
    const origin = createdAt(info.origin, () => afterUp.schemas.get(schema)?.origin);
    if (origin) add({ kind: 'schema', name: { schema, name: schema }, span: origin.span });
  }
  return found;
}

/** What a table the sequence never saw before had, as far as the model knows: nothing. */
const EMPTY_TABLE: TableInfo = {
  key: '',
  schema: DEFAULT_SCHEMA,
  name: '',
  columns: new Map(),
  indexes: new Set(),
  constraints: new Map(),
  foreignKeys: [],
  triggers: new Map(),
  temporary: false,
  partitioned: false,
  formerKeys: [],
};

/** Columns, constraints and triggers the up file added to (or replaced on) a table that existed before it. */
function tableMembers(
  previous: TableInfo,
  table: TableInfo,
  afterUp: TableInfo | undefined,
  byUp: (origin: Origin | undefined) => origin is Origin,
  createdAt: (origin: Origin | undefined, upOrigin: () => Origin | undefined) => Origin | undefined,
  add: (leftover: Omit<Leftover, 'columns' | 'replaced'> & Partial<Pick<Leftover, 'columns' | 'replaced'>>) => void,
): void {
  const tableName = { schema: table.schema, name: table.name };
  const own = (name: string) => ({ schema: table.schema, name });
  for (const [name, column] of table.columns) {
    if (previous.columns.has(name)) continue;
    const origin = createdAt(column.origin, () => afterUp?.columns.get(name)?.origin);
    if (origin) add({ kind: 'column', name: own(name), table: tableName, columns: [name], span: origin.span });
  }
  for (const [name, constraint] of table.constraints) {
    const old = previous.constraints.get(name);
    // A constraint declared on a new column goes with the column.
    if ((constraint.onColumn !== undefined && !previous.columns.has(constraint.onColumn)) || (old && sameConstraint(old, constraint))) continue;
    const origin = old ? (byUp(constraint.origin) ? constraint.origin : undefined) : createdAt(constraint.origin, () => afterUp?.constraints.get(name)?.origin);
    if (!origin) continue;
    add({
      kind: 'constraint',
      name: own(name),
      table: tableName,
      columns: constraint.columns,
      replaced: old !== undefined,
      ...(constraint.generatedLabel !== undefined ? { generatedLabel: constraint.generatedLabel } : {}),
      span: origin.span,
    });
  }
  for (const [name, trigger] of table.triggers) {
    const old = previous.triggers.get(name);
    if (old && sameDefinition(old.definition, trigger.definition)) continue;
    const origin = old ? (byUp(trigger.origin) ? trigger.origin : undefined) : createdAt(trigger.origin, () => afterUp?.triggers.get(name)?.origin);
    if (origin) add({ kind: 'trigger', name: own(name), table: tableName, replaced: old !== undefined, span: origin.span });
  }
}

/** As written in a hint: schema-qualified unless it is in `public`. */
function shown(name: Name): string {
  return displayName(name.schema === DEFAULT_SCHEMA ? { name: name.name } : name);
}

/** What the finding calls the object, and the statement that drops it. */
function describe(created: Leftover): { what: string; drop: string } {
  const name = shown(created.name);
  const table = created.table ? shown(created.table) : '';
  const own = quoteIdent(created.name.name);
  // An unnamed index on expressions, or CHECK, is named after what the parser view does not list.
  const guessed =
    created.generatedLabel !== undefined && created.columns.length === 0 && created.generatedLabel !== CONSTRAINT_LABELS['primary-key'];
  const unnamed = guessed ? `${created.table!.name}_…_${created.generatedLabel}` : own;
  switch (created.kind) {
    case 'column':
      return { what: `column ${own} of ${table}`, drop: `ALTER TABLE ${table} DROP COLUMN IF EXISTS ${own};` };
    case 'constraint':
      return {
        what: created.generatedLabel ? `the unnamed constraint ${unnamed} on ${table}` : `constraint ${own} on ${table}`,
        drop: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${unnamed};`,
      };
    case 'index': {
      const schema = created.name.schema === DEFAULT_SCHEMA ? '' : `${quoteIdent(created.name.schema)}.`;
      const index = guessed ? `${schema}${unnamed}` : name;
      return { what: created.generatedLabel ? `the unnamed index ${index} on ${table}` : `index ${name}`, drop: `DROP INDEX IF EXISTS ${index};` };
    }
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
    'dropped by the down file: the schema after the up file and then the down file is compared with the schema ' +
    'before the up file. Dropping a table covers its columns, indexes, constraints, triggers, partitions and ' +
    'owned sequences; DROP … CASCADE covers the views reading a dropped relation, the foreign keys to a dropped ' +
    'table, the triggers of a dropped function, the views naming a dropped column, and what uses a dropped type ' +
    '(its domains, the columns of it and the views reading them, the views naming it, the functions taking or ' +
    'returning it); DROP SCHEMA … CASCADE covers everything in the schema; dropping ' +
    'a column covers the indexes and constraints on it; DROP … IF EXISTS counts. Columns and triggers added to a ' +
    'table from outside the migrations folder count too. A view, function or trigger that the up file ' +
    'replaces (CREATE OR REPLACE of one that existed before) may instead be restored with its old definition. ' +
    'A constraint dropped and added again under its name with another definition must be restored the same ' +
    'way. A table created again under the name of one the up file renamed away or dropped (copy-and-swap) ' +
    'replaces it rather than being new; dropping an index on a partitioned table drops the partition indexes ' +
    'it took over. Unnamed constraints and indexes match a drop by the name PostgreSQL gives them. Extensions are not ' +
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
    /** The model as it was before the current up file. */
    let before: SchemaModel | undefined;
    /** The model after each down file of the current migration. */
    const afterDown = new Map<LintFile, SchemaModel>();
    return {
      fileStart(file) {
        if (file.direction === 'up') before = context.schema.fork();
      },
      fileEnd(file) {
        // The engine applies a down file to a fork of the model its up file left: that fork, as the down file leaves it.
        if (file.direction === 'down') afterDown.set(file, context.schema);
      },
      migration({ up, down }) {
        const after = down && afterDown.get(down);
        const previous = before;
        before = undefined;
        afterDown.clear();
        // Without a down file, or with one that says nothing or does not parse, require-down and syntax-error speak.
        if (!up || !previous || !down || !after || down.statements.length === 0 || down.parseErrors.length > 0) return;
        // The engine calls this with the model the up file left.
        for (const leftover of leftovers(previous, context.schema, after, up)) {
          const { what, drop } = describe(leftover);
          context.report({
            file: up,
            span: leftover.span,
            ...(leftover.replaced
              ? {
                  message: `${what} is replaced here, and ${down.fileName} neither restores nor drops it`,
                  hint:
                    leftover.kind === 'constraint'
                      ? `drop it and add it back with its previous definition in ${down.fileName}: ${drop} then ALTER TABLE … ADD CONSTRAINT as before this migration`
                      : `restore its previous definition in ${down.fileName} (CREATE OR REPLACE as before this migration), or drop it: ${drop}`,
                }
              : {
                  message: `${what} is created here, and ${down.fileName} does not drop it`,
                  hint: leftover.generatedLabel
                    ? `name it in the up file, and drop it by that name in ${down.fileName}: ${drop}`
                    : `add to ${down.fileName}: ${drop}`,
                }),
          });
        }
      },
    };
  },
};

export default rule;

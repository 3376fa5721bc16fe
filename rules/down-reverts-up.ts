import { CONSTRAINT_LABELS, INDEX_LABEL, couldBeGeneratedName, generatedName } from '../src/lint/generated-names.js';
import { displayName, headSpan, pointAt, quoteIdent } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
import { DEFAULT_SCHEMA, parseTableName, type ObjectKey, type SchemaModel, type TableInfo } from '../src/lint/schema.js';
import type { AlterTableAction, ConstraintView, Span, Statement, StatementView, ViewOf } from '../src/parse/types.js';

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
  /** What it goes with when dropped: the table of a column, index, constraint or trigger; a partition's parent; an owned sequence's table. */
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
  /** The creating statement: what CASCADE and a dropped column take along is found by the names it mentions. */
  statement: Statement;
  span: Span;
}

/** One up file's objects, and the schema before it. */
interface UpFile {
  pending: Created[];
  before: SchemaModel;
  /** Temporary tables: gone at the end of the session, with everything on them. */
  temporary: Set<ObjectKey>;
}

const RELATION_KINDS: ReadonlySet<Kind> = new Set(['table', 'view', 'materialized view']);
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
 * Work done per statement or name only when a check needs it, and once: most
 * created objects are never searched for a name, most definitions are never
 * compared, and a run sees the same names again and again.
 */
const lowerTexts = new WeakMap<Statement, string>();
const definitions = new WeakMap<Statement, string>();
const mentionPatterns = new Map<string, { lower: string; pattern: RegExp }>();

/** Whether the statement that created `created` mentions identifier `name` (a heuristic for dependencies). */
function mentions(created: Created, name: string): boolean {
  let search = mentionPatterns.get(name);
  if (!search) {
    const lower = name.toLowerCase();
    const escaped = lower.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    search = { lower, pattern: new RegExp(`(^|[^a-z0-9_$])${escaped}($|[^a-z0-9_$])`) };
    // Bounded, for a process that lints project after project.
    if (mentionPatterns.size >= 1000) mentionPatterns.clear();
    mentionPatterns.set(name, search);
  }
  let text = lowerTexts.get(created.statement);
  if (text === undefined) {
    text = created.statement.text.toLowerCase();
    lowerTexts.set(created.statement, text);
  }
  // A plain search first: most texts do not contain the name at all, and the pattern tries every position.
  return text.includes(search.lower) && search.pattern.test(text);
}

/** Normalised for comparing definitions: `CREATE OR REPLACE VIEW v AS …` and `create view v as …` are the same. */
function definition(statement: Statement): string {
  let normalised = definitions.get(statement);
  if (normalised === undefined) {
    normalised = statement.text.toLowerCase().replace(/\s+/g, ' ').replace(/^create or replace /, 'create ');
    definitions.set(statement, normalised);
  }
  return normalised;
}

/**
 * Updates `pending` for one statement: what it drops is no longer pending,
 * what it renames is pending under the new name, and a replaced view,
 * function or trigger it re-creates is restored. Renaming a created object
 * to a name that existed before the up file (`before`) makes it stand in for
 * that object (up file) or puts that object back (down file): either way it
 * is no longer pending.
 */
function revert(statement: Statement, pending: Created[], before: SchemaModel): void {
  const view = statement.view;
  switch (view.kind) {
    case 'drop':
      drop(view, pending);
      return;
    case 'rename':
      rename(view, pending, before);
      return;
    case 'alter-table': {
      const table = resolve(view.table);
      for (const action of view.actions) alterTable(table, action, pending, before.table(table));
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

/**
 * An index on a partition that an index on its parent, created later in the same up file on the same
 * columns, took over (PostgreSQL attaches a matching partition index instead of building another), so
 * dropping the parent's index drops it too. Partitions made by dynamic SQL are unknown to the model:
 * they are recognised by the name, `<parent>_…`, as hash-partition helpers name them.
 */
function attachedToDropped(created: Created, targets: readonly Name[], pending: readonly Created[]): boolean {
  if (created.kind !== 'index' || !created.table) return false;
  return pending.some(
    (parent) =>
      parent.kind === 'index' &&
      parent.table !== undefined &&
      targets.some((target) => same(parent.name, target)) &&
      parent.statement.start > created.statement.start &&
      parent.table.schema === created.table!.schema &&
      created.table!.name.startsWith(`${parent.table.name}_`) &&
      parent.columns.length > 0 &&
      parent.columns.join() === created.columns.join(),
  );
}

/** Whether two constraints are the same as far as the view tells (kind, columns, referenced table, columns and actions). */
function sameDefinition(a: ConstraintView, b: ConstraintView): boolean {
  const references = (constraint: ConstraintView) =>
    constraint.references
      ? `${keyOf(resolve(constraint.references.table))}(${constraint.references.columns.join()})${constraint.references.actions}`
      : '';
  return a.kind === b.kind && a.columns.join() === b.columns.join() && references(a) === references(b);
}

function drop(view: ViewOf<'drop'>, pending: Created[]): void {
  const targets = view.objects.map((target) => resolve(target.name));
  const keys = new Set(targets.map(keyOf));
  const mentioned = (created: Created) => targets.some((target) => mentions(created, target.name));
  switch (view.objectType) {
    case 'table':
    case 'foreign-table':
    case 'view':
    case 'materialized-view':
      dropRelations(keys, view.cascade, pending);
      return;
    case 'index':
      removeWhere(pending, (created) => attachedToDropped(created, targets, pending));
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
          (view.cascade &&
            ((created.dependsOn !== undefined && keys.has(created.dependsOn)) ||
              ((ROUTINE_KINDS.has(created.kind) || VIEW_KINDS.has(created.kind)) && mentioned(created)))),
      );
      return;
    case 'sequence':
      removeWhere(pending, (created) => created.kind === 'sequence' && keys.has(keyOf(created.name)));
      return;
    case 'function':
    case 'procedure':
    case 'routine':
      removeWhere(
        pending,
        (created) =>
          (ROUTINE_KINDS.has(created.kind) && keys.has(keyOf(created.name))) ||
          (view.cascade && created.kind === 'trigger' && mentioned(created)),
      );
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

/**
 * Dropping a table or view drops its columns, indexes, constraints, triggers,
 * partitions and owned sequences; with CASCADE also the foreign keys to it
 * and the views that mention it, and so on.
 */
function dropRelations(keys: ReadonlySet<ObjectKey>, cascade: boolean, pending: Created[]): void {
  const dropped = new Set(keys);
  const goesWith = (created: Created) =>
    (RELATION_KINDS.has(created.kind) && dropped.has(keyOf(created.name))) ||
    (created.table !== undefined && dropped.has(keyOf(created.table))) ||
    (cascade &&
      ((created.kind === 'constraint' && created.dependsOn !== undefined && dropped.has(created.dependsOn)) ||
        (VIEW_KINDS.has(created.kind) && [...dropped].some((key) => mentions(created, key.slice(key.indexOf('.') + 1))))));
  let grew = true;
  while (grew) {
    grew = false;
    for (let index = pending.length - 1; index >= 0; index--) {
      const created = pending[index]!;
      if (!goesWith(created)) continue;
      pending.splice(index, 1);
      if (RELATION_KINDS.has(created.kind) && !dropped.has(keyOf(created.name))) {
        dropped.add(keyOf(created.name));
        grew = true;
      }
    }
  }
}

/** `previous`: the table as it was before the up file. */
function alterTable(table: Name, action: AlterTableAction, pending: Created[], previous: TableInfo | undefined): void {
  const onTable = (created: Created) => same(created.table, table);
  switch (action.type) {
    case 'drop-column':
      removeWhere(
        pending,
        (created) =>
          onTable(created) &&
          ((created.kind === 'column' && created.name.name === action.column) ||
            ((created.kind === 'index' || created.kind === 'constraint') &&
              (created.columns.includes(action.column) || mentions(created, action.column)))),
      );
      return;
    case 'drop-constraint':
      // A unique or primary-key constraint and its index share the name.
      removeWhere(
        pending,
        (created) =>
          onTable(created) &&
          ((created.kind === 'index' && created.name.name === action.name) ||
            (created.kind === 'constraint' &&
              (created.name.name === action.name ||
                (created.generatedLabel !== undefined && couldBeGeneratedName(action.name, table.name, created.generatedLabel))))),
      );
      return;
    case 'rename-column':
      for (const created of pending.filter(onTable)) {
        if (created.kind === 'column' && created.name.name === action.column) created.name = { ...created.name, name: action.newName };
        created.columns = created.columns.map((column) => (column === action.column ? action.newName : column));
      }
      if (previous?.columns.has(action.newName)) {
        removeWhere(pending, (created) => created.kind === 'column' && onTable(created) && created.name.name === action.newName);
      }
      return;
    case 'rename-constraint':
      for (const created of pending) {
        if (created.kind === 'constraint' && onTable(created) && created.name.name === action.name) {
          created.name = { ...created.name, name: action.newName };
        }
      }
      if (previous?.constraints.has(action.newName)) {
        removeWhere(pending, (created) => created.kind === 'constraint' && onTable(created) && created.name.name === action.newName);
      }
      return;
    default:
      return;
  }
}

function rename(view: ViewOf<'rename'>, pending: Created[], before: SchemaModel): void {
  const from = resolve(view.object);
  const to: Name = { schema: from.schema, name: view.newName };
  const renameWhere = (kinds: ReadonlySet<Kind>, existedBefore: boolean) => {
    for (const created of [...pending]) {
      if (!kinds.has(created.kind) || !same(created.name, from)) continue;
      if (existedBefore) pending.splice(pending.indexOf(created), 1);
      else created.name = to;
    }
  };
  switch (view.objectType) {
    case 'table':
    case 'foreign-table':
    case 'view':
    case 'materialized-view': {
      const created = pending.some((other) => RELATION_KINDS.has(other.kind) && same(other.name, from));
      if (created && (before.hasTable(to) || before.views.has(keyOf(to)))) {
        dropRelations(new Set([keyOf(from)]), false, pending);
        return;
      }
      renameWhere(RELATION_KINDS, false);
      for (const created of pending) {
        if (same(created.table, from)) created.table = to;
        if (created.dependsOn === keyOf(from)) created.dependsOn = keyOf(to);
      }
      return;
    }
    case 'index':
      renameWhere(new Set(['index']), before.indexes.has(keyOf(to)));
      return;
    case 'type':
    case 'domain':
      renameWhere(TYPE_KINDS, before.types.has(keyOf(to)));
      return;
    case 'sequence':
      renameWhere(new Set(['sequence']), before.sequences.has(keyOf(to)));
      return;
    case 'function':
    case 'procedure':
      renameWhere(ROUTINE_KINDS, before.functions.has(keyOf(to)));
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

/** `OWNED BY table.column` in CREATE / ALTER SEQUENCE, which the statement view does not carry: the table. */
function ownedBy(statement: Statement): Name | undefined {
  const chain = /\bOWNED\s+BY\s+([^\s;,]+)/i.exec(statement.text)?.[1];
  const parts = chain?.match(/"(?:[^"]|"")*"|[^.]+/g);
  if (!parts || parts.length < 2) return undefined;
  return resolve(parseTableName(parts.slice(0, -1).join('.')));
}

/** The sequence an `ALTER SEQUENCE` names. */
function alteredSequence(statement: Statement): Name | undefined {
  const name = /^\s*ALTER\s+SEQUENCE\s+(?:IF\s+EXISTS\s+)?([^\s;]+)/i.exec(statement.text)?.[1];
  return name === undefined ? undefined : resolve(parseTableName(name));
}

/** The key under which `latest` keeps the statement with a view's, function's or trigger's latest definition. */
function definitionKey(view: StatementView): string | undefined {
  switch (view.kind) {
    case 'create-view':
      return `view ${keyOf(resolve(view.view))}`;
    case 'create-function':
      return `function ${keyOf(resolve(view.name))}(${view.argTypes.join(',')})`;
    case 'create-trigger':
      return `trigger ${view.name} on ${keyOf(resolve(view.table))}`;
    default:
      return undefined;
  }
}

/**
 * What one statement of the up file adds to `file.pending`. `now` is the
 * schema before the statement (what exists is not created again: IF NOT
 * EXISTS). Columns, indexes, constraints and triggers of a relation the file
 * creates are not listed: dropping it reverts them. An index, column,
 * constraint, type, schema or sequence that existed before the up file was
 * dropped and created again (to change it, or while rewriting a table):
 * the up file did not add it. A view, function or trigger that existed is
 * replaced, unless its definition is the same as before (re-created
 * because something it depends on was).
 */
function collect(statement: Statement, now: SchemaModel, file: UpFile, latest: ReadonlyMap<string, Statement>): void {
  const { pending, before, temporary } = file;
  const add = (created: Omit<Created, 'columns' | 'replaced' | 'statement'> & Partial<Pick<Created, 'columns' | 'replaced'>>) => {
    const duplicate = pending.some(
      (other) => other.kind === created.kind && same(other.name, created.name) && (other.table === undefined || same(other.table, created.table)),
    );
    if (!duplicate) pending.push({ columns: [], replaced: false, statement, ...created });
  };
  const createdHere = (table: Name) =>
    temporary.has(keyOf(table)) || pending.some((created) => RELATION_KINDS.has(created.kind) && same(created.name, table));
  const replaced = (existedBefore: boolean): boolean | undefined => {
    if (!existedBefore) return false;
    const key = definitionKey(statement.view);
    const previous = key === undefined ? undefined : latest.get(key);
    return previous !== undefined && definition(previous) === definition(statement) ? undefined : true;
  };
  const view = statement.view;
  switch (view.kind) {
    case 'create-table':
      if (view.temporary) temporary.add(keyOf(resolve(view.table)));
      // A table that existed before the up file and is created again under its name (copy-and-swap: renamed
      // away or dropped first) replaces it: the down file would restore the old one, not drop it.
      if (view.temporary || now.hasTable(view.table) || before.hasTable(view.table)) return;
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
      if (view.name !== undefined && (now.indexes.has(keyOf(name)) || before.indexes.has(keyOf(name)))) return;
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
      const existing = [now.table(view.table), before.table(view.table)];
      for (const action of view.actions) {
        if (action.type === 'add-column') {
          const { column } = action;
          if (existing.some((info) => info?.columns.has(column.name))) continue;
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
          const label = CONSTRAINT_LABELS[constraint.kind];
          const name = constraint.name ?? generatedName(table.name, constraint.columns, label);
          const has = (info: TableInfo | undefined) =>
            info?.constraints.has(name) === true ||
            info?.foreignKeys.some((fk) => (fk.name ?? generatedName(info.name, fk.columns, CONSTRAINT_LABELS['foreign-key'])) === name) === true;
          const [nowInfo, beforeInfo] = existing;
          if (has(nowInfo)) continue;
          // Existed before the file, dropped earlier in it and added again under its name with another definition: the down file must undo it.
          const previous = beforeInfo?.constraints.get(name);
          if (has(beforeInfo) && previous !== undefined && sameDefinition(previous, constraint)) continue;
          const readded = has(beforeInfo);
          add({
            kind: 'constraint',
            name: { schema: table.schema, name },
            table,
            columns: constraint.columns,
            replaced: readded,
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
      const isReplaced = view.materialized ? false : replaced(before.views.has(keyOf(name)));
      if (isReplaced === undefined) return;
      add({ kind: view.materialized ? 'materialized view' : 'view', name, replaced: isReplaced, span: pointAt(view.view.span, statement) });
      return;
    }
    case 'create-type': {
      const name = resolve(view.type);
      if (now.types.has(keyOf(name)) || before.types.has(keyOf(name))) return;
      add({ kind: view.variant === 'domain' ? 'domain' : 'type', name, span: pointAt(view.type.span, statement) });
      return;
    }
    case 'create-function': {
      const name = resolve(view.name);
      const signature = view.argTypes.join(',');
      if (now.functions.get(keyOf(name))?.has(signature) && !view.orReplace) return;
      const isReplaced = replaced(before.functions.get(keyOf(name))?.has(signature) ?? false);
      if (isReplaced === undefined) return;
      add({
        kind: view.procedure ? 'procedure' : 'function',
        name,
        replaced: isReplaced,
        argTypes: view.argTypes,
        span: pointAt(view.name.span, statement),
      });
      return;
    }
    case 'create-trigger': {
      const table = resolve(view.table);
      if (createdHere(table) || (now.table(view.table)?.triggers.has(view.name) && !view.orReplace)) return;
      const isReplaced = replaced(before.table(view.table)?.triggers.has(view.name) ?? false);
      if (isReplaced === undefined) return;
      add({ kind: 'trigger', name: { schema: table.schema, name: view.name }, table, replaced: isReplaced, span: headSpan(statement) });
      return;
    }
    case 'create-schema':
      if (now.schemas.has(view.name) || before.schemas.has(view.name)) return;
      add({ kind: 'schema', name: { schema: view.name, name: view.name }, span: headSpan(statement) });
      return;
    case 'create-sequence': {
      const name = resolve(view.sequence);
      if (now.sequences.has(keyOf(name)) || before.sequences.has(keyOf(name))) return;
      const owner = ownedBy(statement);
      add({ kind: 'sequence', name, ...(owner ? { table: owner } : {}), span: pointAt(view.sequence.span, statement) });
      return;
    }
    case 'other': {
      // ALTER SEQUENCE … OWNED BY t.c: the sequence now goes with table t.
      const sequence = view.command === 'AlterSeqStmt' ? alteredSequence(statement) : undefined;
      const owner = sequence && ownedBy(statement);
      for (const created of pending) if (owner && created.kind === 'sequence' && same(created.name, sequence)) created.table = owner;
      return;
    }
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
    'dropped by the down file. Dropping a table covers its columns, indexes, constraints, triggers and ' +
    'partitions; DROP SCHEMA … CASCADE covers everything in the schema; dropping a column covers the ' +
    'indexes and constraints on it; DROP … IF EXISTS counts. A view, function or trigger that the up file ' +
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
    const upFiles = new Map<LintFile, UpFile>();
    /** The statement with the latest definition of each view, function and trigger in the sequence (up files), to tell a re-creation from a change. */
    const { latest } = context.walkState(() => ({ latest: new Map<string, Statement>() }));
    return {
      fileStart(file) {
        if (file.direction === 'up') upFiles.set(file, { pending: [], before: context.schema.fork(), temporary: new Set() });
      },
      statement(statement, file) {
        const upFile = upFiles.get(file);
        if (!upFile) return;
        revert(statement, upFile.pending, upFile.before);
        collect(statement, context.schema, upFile, latest);
        const key = definitionKey(statement.view);
        if (key !== undefined) latest.set(key, statement);
      },
      migration({ up, down }) {
        const upFile = up && upFiles.get(up);
        upFiles.clear();
        // Without a down file, or with one that says nothing or does not parse, require-down and syntax-error speak.
        if (!up || !upFile || !down || down.statements.length === 0 || down.parseErrors.length > 0) return;
        const { pending, before } = upFile;
        for (const statement of down.statements) {
          revert(statement, pending, before);
          if (statement.view.kind === 'do-block') for (const embedded of statement.view.statements) revert(embedded, pending, before);
        }
        for (const created of pending) {
          const { what, drop } = describe(created);
          context.report({
            file: up,
            span: created.span,
            ...(created.replaced
              ? {
                  message: `${what} is replaced here, and ${down.fileName} neither restores nor drops it`,
                  hint:
                    created.kind === 'constraint'
                      ? `drop it and add it back with its previous definition in ${down.fileName}: ${drop} then ALTER TABLE … ADD CONSTRAINT as before this migration`
                      : `restore its previous definition in ${down.fileName} (CREATE OR REPLACE as before this migration), or drop it: ${drop}`,
                }
              : {
                  message: `${what} is created here, and ${down.fileName} does not drop it`,
                  hint: created.generatedLabel
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

/**
 * The schema model: what exists after applying statements in order. The engine
 * applies every statement of every up file (and each down file to a fork), so
 * rules can ask "does this table exist yet?" and "what did it look like?".
 *
 * Names resolve as PostgreSQL with `search_path = public` would: `users` and
 * `public.users` are the same table. Identifiers arrive case-folded from the
 * parser, so `"Users"` and `users` stay distinct, as in PostgreSQL.
 *
 * `fork()` takes constant time (see forkable.ts), and a model copies a table
 * the first time it changes one it shares with another model.
 */
import type { AlterTableAction, ColumnView, ConstraintView, QualifiedName, Statement, TypeRef, ViewOf } from '../parse/types.js';
import { Clock, ForkableMap, ForkableSet } from './forkable.js';
import type { LintFile } from './rule.js';

export const DEFAULT_SCHEMA = 'public';

/** `schema.name`, the key under which the model stores an object. */
export type ObjectKey = string;

export function objectKey(name: { schema?: string; name: string }): ObjectKey {
  return `${name.schema ?? DEFAULT_SCHEMA}.${name.name}`;
}

/** Reads a `knownTables` entry: `auth.users`, `users`, `"MyTable"`. */
export function parseTableName(text: string): { schema?: string; name: string } {
  const parts = text.match(/"(?:[^"]|"")*"|[^.]+/g) ?? [text];
  const idents = parts.map((part) =>
    part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part.trim().toLowerCase(),
  );
  const name = idents.pop() ?? text;
  return idents.length > 0 ? { schema: idents[idents.length - 1], name } : { name };
}

export interface ColumnInfo {
  name: string;
  type?: TypeRef;
  notNull: boolean;
  hasDefault: boolean;
  /** The file whose CREATE TABLE or ADD COLUMN added it; absent for `knownTables`. */
  addedIn?: LintFile;
}

export interface ForeignKeyInfo {
  name?: string;
  columns: string[];
  references: ObjectKey;
}

export interface TableInfo {
  key: ObjectKey;
  schema: string;
  name: string;
  columns: Map<string, ColumnInfo>;
  /** Index names (indexes live in the table's schema). */
  indexes: Set<string>;
  /** Named constraints by name. */
  constraints: Map<string, ConstraintView>;
  foreignKeys: ForeignKeyInfo[];
  triggers: Set<string>;
  /** The file whose statement created it; absent for `knownTables`. */
  createdIn?: LintFile;
}

export interface TypeInfo {
  key: ObjectKey;
  variant: 'enum' | 'composite' | 'range' | 'domain' | 'base' | 'shell';
  values: string[];
  createdIn?: LintFile;
}

export class SchemaModel {
  readonly schemas: ForkableSet<string>;
  readonly tables: ForkableMap<ObjectKey, TableInfo>;
  readonly views: ForkableMap<ObjectKey, { materialized: boolean }>;
  readonly types: ForkableMap<ObjectKey, TypeInfo>;
  readonly sequences: ForkableSet<ObjectKey>;
  /** Function key → argument-type signatures of its overloads. */
  readonly functions: ForkableMap<ObjectKey, ReadonlySet<string>>;
  /** Index key (`schema.index`) → key of its table. */
  readonly indexes: ForkableMap<ObjectKey, ObjectKey>;
  readonly extensions: ForkableSet<string>;
  /**
   * `table key.constraint name` → the transaction in which that constraint
   * became valid (added without NOT VALID, or VALIDATEd); absent while NOT
   * VALID or unknown. For the lock rules (see `provenNotNull`).
   */
  readonly validatedIn: ForkableMap<string, Transaction>;
  /** Table key → keys of the tables that have had a foreign key to it (some may have dropped it since). */
  private readonly referencedBy: ForkableMap<ObjectKey, ReadonlySet<ObjectKey>>;
  private readonly clock: Clock;
  /** Tables this model may change in place (not shared with a fork). */
  private owned = new WeakSet<TableInfo>();

  constructor(knownTables: readonly string[] = [], from?: SchemaModel) {
    if (from) {
      this.clock = from.clock;
      const version = from.clock.fork();
      this.schemas = from.schemas.fork(version);
      this.tables = from.tables.fork(version);
      this.views = from.views.fork(version);
      this.types = from.types.fork(version);
      this.sequences = from.sequences.fork(version);
      this.functions = from.functions.fork(version);
      this.indexes = from.indexes.fork(version);
      this.extensions = from.extensions.fork(version);
      this.validatedIn = from.validatedIn.fork(version);
      this.referencedBy = from.referencedBy.fork(version);
    } else {
      this.clock = new Clock();
      this.schemas = ForkableSet.root(this.clock, [DEFAULT_SCHEMA]);
      this.tables = ForkableMap.root(this.clock);
      this.views = ForkableMap.root(this.clock);
      this.types = ForkableMap.root(this.clock);
      this.sequences = ForkableSet.root(this.clock);
      this.functions = ForkableMap.root(this.clock);
      this.indexes = ForkableMap.root(this.clock);
      this.extensions = ForkableSet.root(this.clock);
      this.validatedIn = ForkableMap.root(this.clock);
      this.referencedBy = ForkableMap.root(this.clock);
    }
    for (const known of knownTables) {
      const name = parseTableName(known);
      if (name.schema) this.schemas.add(name.schema);
      this.tables.set(objectKey(name), newTable(name));
    }
  }

  /** An independent copy; both may change afterwards without affecting each other. */
  fork(): SchemaModel {
    this.owned = new WeakSet();
    return new SchemaModel([], this);
  }

  table(name: { schema?: string; name: string }): TableInfo | undefined {
    return this.tables.get(objectKey(name));
  }

  hasTable(name: { schema?: string; name: string }): boolean {
    return this.tables.has(objectKey(name));
  }

  /** Tables with a foreign key to `name`, other than itself, in the order of `tables`. */
  referencingTables(name: { schema?: string; name: string }): TableInfo[] {
    const key = objectKey(name);
    const referencing: TableInfo[] = [];
    for (const childKey of this.referencedBy.get(key) ?? []) {
      const table = this.tables.get(childKey);
      if (table && table.key !== key && table.foreignKeys.some((fk) => fk.references === key)) referencing.push(table);
    }
    return referencing.sort((a, b) => this.tables.position(a.key) - this.tables.position(b.key));
  }

  /** Applies one statement's effect. Statements the model does not track change nothing. */
  apply(statement: Statement, file?: LintFile): void {
    const view = statement.view;
    switch (view.kind) {
      case 'create-table': {
        const key = objectKey(view.table);
        if (this.tables.has(key)) return;
        const table = newTable(view.table, file);
        for (const column of view.columns) addColumn(table, column, file);
        for (const constraint of view.constraints) addConstraint(table, constraint);
        this.tables.set(key, table);
        this.owned.add(table);
        this.indexReferences(table);
        if (file) this.recordValidity(table, view.constraints, transactionOf(statement, file));
        return;
      }
      case 'create-index': {
        const table = this.tables.get(objectKey(view.table));
        if (!view.name) return;
        const schema = view.table.schema ?? DEFAULT_SCHEMA;
        this.indexes.set(`${schema}.${view.name}`, objectKey(view.table));
        if (table) this.mutable(table).indexes.add(view.name);
        return;
      }
      case 'alter-table': {
        const existing = this.tables.get(objectKey(view.table));
        if (!existing || view.objectType !== 'table') return;
        const table = this.mutable(existing);
        for (const action of view.actions) alterTable(table, action, file);
        this.indexReferences(table);
        if (file) this.recordValidations(table, view.actions, transactionOf(statement, file));
        return;
      }
      case 'drop':
        for (const target of view.objects) this.drop(view.objectType, target.name, target.table);
        return;
      case 'rename':
        this.rename(view.objectType, view.object, view.newName, view.table);
        return;
      case 'create-view':
        this.views.set(objectKey(view.view), { materialized: view.materialized });
        return;
      case 'create-type':
        this.types.set(objectKey(view.type), {
          key: objectKey(view.type),
          variant: view.variant,
          values: view.values,
          createdIn: file,
        });
        return;
      case 'alter-type': {
        const type = this.types.get(objectKey(view.type));
        if (!type) return;
        const values =
          view.action === 'add-value'
            ? type.values.includes(view.value) ? type.values : [...type.values, view.value]
            : type.values;
        this.types.set(type.key, { ...type, values });
        return;
      }
      case 'create-function': {
        const key = objectKey(view.name);
        // A new set, not the old one changed: forks share the old one.
        this.functions.set(key, new Set(this.functions.get(key)).add(view.argTypes.join(',')));
        return;
      }
      case 'create-trigger': {
        const table = this.tables.get(objectKey(view.table));
        if (table) this.mutable(table).triggers.add(view.name);
        return;
      }
      case 'create-schema':
        this.schemas.add(view.name);
        return;
      case 'create-sequence':
        this.sequences.add(objectKey(view.sequence));
        return;
      case 'create-extension':
        this.extensions.add(view.name);
        return;
      default:
        return;
    }
  }

  private drop(objectType: string, name: QualifiedName, on?: QualifiedName): void {
    const key = objectKey(name);
    switch (objectType) {
      case 'table':
      case 'foreign-table': {
        const table = this.tables.get(key);
        if (!table) return;
        for (const index of table.indexes) this.indexes.delete(`${table.schema}.${index}`);
        this.tables.delete(key);
        return;
      }
      case 'index': {
        const tableKey = this.indexes.get(key);
        this.indexes.delete(key);
        const table = tableKey === undefined ? undefined : this.tables.get(tableKey);
        if (table) this.mutable(table).indexes.delete(name.name);
        return;
      }
      case 'view':
      case 'materialized-view':
        this.views.delete(key);
        return;
      case 'type':
      case 'domain':
        this.types.delete(key);
        return;
      case 'sequence':
        this.sequences.delete(key);
        return;
      case 'function':
      case 'procedure':
      case 'routine':
        this.functions.delete(key);
        return;
      case 'trigger': {
        const table = on && this.tables.get(objectKey(on));
        if (table) this.mutable(table).triggers.delete(name.name);
        return;
      }
      case 'extension':
        this.extensions.delete(name.name);
        return;
      case 'schema':
        this.dropSchema(name.name);
        return;
      default:
        return;
    }
  }

  /** DROP SCHEMA succeeds only when empty or with CASCADE; either way nothing in it is left. */
  private dropSchema(schema: string): void {
    this.schemas.delete(schema);
    const inSchema = (key: string) => key.startsWith(`${schema}.`);
    for (const map of [this.tables, this.views, this.types, this.functions, this.indexes]) {
      for (const key of map.keys()) if (inSchema(key)) map.delete(key);
    }
    for (const key of this.sequences) if (inSchema(key)) this.sequences.delete(key);
  }

  private rename(objectType: string, object: QualifiedName, newName: string, on?: QualifiedName): void {
    const key = objectKey(object);
    const schema = object.schema ?? DEFAULT_SCHEMA;
    const newKey = `${schema}.${newName}`;
    switch (objectType) {
      case 'table':
      case 'foreign-table': {
        const table = this.tables.get(key);
        if (!table) return;
        this.tables.delete(key);
        const renamed = { ...this.mutable(table), key: newKey, name: newName };
        this.tables.set(newKey, renamed);
        this.indexReferences(renamed);
        for (const other of this.tables.values()) {
          if (other.foreignKeys.some((fk) => fk.references === key)) {
            const copy = this.mutable(other);
            copy.foreignKeys = copy.foreignKeys.map((fk) => (fk.references === key ? { ...fk, references: newKey } : fk));
            this.indexReferences(copy);
          }
        }
        for (const index of table.indexes) this.indexes.set(`${schema}.${index}`, newKey);
        return;
      }
      case 'index': {
        const tableKey = this.indexes.get(key);
        if (tableKey === undefined) return;
        this.indexes.delete(key);
        this.indexes.set(newKey, tableKey);
        const table = this.tables.get(tableKey);
        if (table) {
          const copy = this.mutable(table);
          copy.indexes.delete(object.name);
          copy.indexes.add(newName);
        }
        return;
      }
      case 'view':
      case 'materialized-view':
        moveKey(this.views, key, newKey);
        return;
      case 'type':
      case 'domain': {
        const type = this.types.get(key);
        if (!type) return;
        this.types.delete(key);
        this.types.set(newKey, { ...type, key: newKey });
        return;
      }
      case 'sequence':
        if (this.sequences.delete(key)) this.sequences.add(newKey);
        return;
      case 'function':
      case 'procedure':
        moveKey(this.functions, key, newKey);
        return;
      case 'trigger': {
        const table = on && this.tables.get(objectKey(on));
        if (table && table.triggers.has(object.name)) {
          const copy = this.mutable(table);
          copy.triggers.delete(object.name);
          copy.triggers.add(newName);
        }
        return;
      }
      case 'schema':
        this.renameSchema(object.name, newName);
        return;
      default:
        return;
    }
  }

  private renameSchema(from: string, to: string): void {
    if (!this.schemas.delete(from)) return;
    this.schemas.add(to);
    const rekey = (key: string) => (key.startsWith(`${from}.`) ? `${to}.${key.slice(from.length + 1)}` : key);
    for (const map of [this.views, this.types, this.functions] as Array<ForkableMap<string, unknown>>) {
      for (const [key, value] of [...map]) {
        if (rekey(key) !== key) {
          map.delete(key);
          map.set(rekey(key), value);
        }
      }
    }
    for (const [key, table] of [...this.tables]) {
      const newKey = rekey(key);
      const references = table.foreignKeys.some((fk) => rekey(fk.references) !== fk.references);
      if (newKey === key && !references) continue;
      const copy = this.mutable(table);
      copy.foreignKeys = copy.foreignKeys.map((fk) => ({ ...fk, references: rekey(fk.references) }));
      this.tables.delete(key);
      const renamed = { ...copy, key: newKey, schema: newKey === key ? copy.schema : to };
      this.tables.set(newKey, renamed);
      this.indexReferences(renamed);
    }
    for (const [key, tableKey] of [...this.indexes]) {
      this.indexes.delete(key);
      this.indexes.set(rekey(key), rekey(tableKey));
    }
    for (const key of [...this.sequences]) {
      this.sequences.delete(key);
      this.sequences.add(rekey(key));
    }
  }

  /**
   * Whether `table` has a valid `CHECK (column IS NOT NULL)`: then PostgreSQL
   * 12+ skips the scan of SET NOT NULL. (Whether that check's own scan ran
   * under a lock that blocks writes is constraint-not-valid's concern.)
   */
  provenNotNull(table: TableInfo, column: string): boolean {
    for (const [name, constraint] of table.constraints) {
      if (constraint.kind === 'check' && constraint.notNullColumn === column && this.validatedIn.has(`${table.key}.${name}`)) return true;
    }
    return false;
  }

  private recordValidity(table: TableInfo, constraints: readonly ConstraintView[], transaction: Transaction): void {
    for (const constraint of constraints) {
      if (constraint.name === undefined) continue;
      const key = `${table.key}.${constraint.name}`;
      if (constraint.notValid) this.validatedIn.delete(key);
      else this.validatedIn.set(key, transaction);
    }
  }

  private recordValidations(table: TableInfo, actions: readonly AlterTableAction[], transaction: Transaction): void {
    for (const action of actions) {
      if (action.type === 'add-constraint') this.recordValidity(table, [action.constraint], transaction);
      else if (action.type === 'validate-constraint' && table.constraints.has(action.name)) {
        this.validatedIn.set(`${table.key}.${action.name}`, transaction);
      } else if (action.type === 'drop-constraint') this.validatedIn.delete(`${table.key}.${action.name}`);
    }
  }

  /** Records `table` under every table it has a foreign key to, for referencingTables. */
  private indexReferences(table: TableInfo): void {
    for (const fk of table.foreignKeys) {
      const children = this.referencedBy.get(fk.references);
      if (!children?.has(table.key)) this.referencedBy.set(fk.references, new Set(children).add(table.key));
    }
  }

  /** The table itself if this model owns it, else a copy that replaces it here. */
  private mutable(table: TableInfo): TableInfo {
    if (this.owned.has(table)) return table;
    // Every field written out, not `...table`: in Node 20 each property after a spread costs ~1 µs.
    const copy: TableInfo = {
      key: table.key,
      schema: table.schema,
      name: table.name,
      columns: new Map(table.columns),
      indexes: new Set(table.indexes),
      constraints: new Map(table.constraints),
      foreignKeys: [...table.foreignKeys],
      triggers: new Set(table.triggers),
      createdIn: table.createdIn,
    };
    if (this.tables.get(table.key) === table) this.tables.set(table.key, copy);
    this.owned.add(copy);
    return copy;
  }
}

/**
 * A transaction as the runner plans it: a migration file runs in one, unless
 * it starts with `-- sqlmig:no-transaction`; then each top-level statement
 * commits on its own (a DO block, with the statements it runs, is one).
 */
export type Transaction = LintFile | Statement;

export function transactionOf(statement: Statement, file: LintFile): Transaction {
  return file.directives.noTransaction && !statement.embedded ? statement : file;
}

/**
 * Whether `table` held rows that `file` must work around: it existed before
 * the migration `file` belongs to (an earlier migration created it, or
 * `knownTables` lists it, or — undefined — the sequence does not know it),
 * rather than being created earlier in this same file.
 */
export function existedBefore(table: TableInfo | undefined, file: LintFile): boolean {
  return table?.createdIn !== file;
}

/**
 * The ALTER TABLE `statement` is, when its table existed before `file`'s
 * migration (see existedBefore), with what the model knows of that table.
 */
export function alterOfExistingTable(
  statement: Statement,
  file: LintFile,
  schema: SchemaModel,
): { view: ViewOf<'alter-table'>; table: TableInfo | undefined } | undefined {
  const view = statement.view;
  if (view.kind !== 'alter-table' || view.objectType !== 'table') return undefined;
  const table = schema.table(view.table);
  return existedBefore(table, file) ? { view, table } : undefined;
}

function newTable(name: { schema?: string; name: string }, createdIn?: LintFile): TableInfo {
  return {
    key: objectKey(name),
    schema: name.schema ?? DEFAULT_SCHEMA,
    name: name.name,
    columns: new Map(),
    indexes: new Set(),
    constraints: new Map(),
    foreignKeys: [],
    triggers: new Set(),
    createdIn,
  };
}

function addColumn(table: TableInfo, column: ColumnView, file: LintFile | undefined): void {
  table.columns.set(column.name, {
    name: column.name,
    type: column.type,
    notNull: column.notNull || column.primaryKey,
    hasDefault: column.hasDefault,
    addedIn: file,
  });
  for (const constraint of column.constraints) addConstraint(table, constraint);
}

function addConstraint(table: TableInfo, constraint: ConstraintView): void {
  if (constraint.name) table.constraints.set(constraint.name, constraint);
  if (constraint.references) {
    table.foreignKeys.push({
      name: constraint.name,
      columns: constraint.columns,
      references: objectKey(constraint.references.table),
    });
  }
}

function alterTable(table: TableInfo, action: AlterTableAction, file: LintFile | undefined): void {
  switch (action.type) {
    case 'add-column':
      if (!table.columns.has(action.column.name)) addColumn(table, action.column, file);
      return;
    case 'drop-column':
      table.columns.delete(action.column);
      table.foreignKeys = table.foreignKeys.filter((fk) => !fk.columns.includes(action.column));
      return;
    case 'alter-column-type':
      updateColumn(table, action.column, { type: action.newType });
      return;
    case 'set-not-null':
    case 'drop-not-null':
      updateColumn(table, action.column, { notNull: action.type === 'set-not-null' });
      return;
    case 'set-default':
    case 'drop-default':
      updateColumn(table, action.column, { hasDefault: action.type === 'set-default' });
      return;
    case 'add-constraint':
      addConstraint(table, action.constraint);
      return;
    case 'drop-constraint':
      table.constraints.delete(action.name);
      table.foreignKeys = table.foreignKeys.filter((fk) => fk.name !== action.name);
      return;
    case 'rename-column': {
      const column = table.columns.get(action.column);
      if (!column) return;
      table.columns.delete(action.column);
      table.columns.set(action.newName, { ...column, name: action.newName });
      table.foreignKeys = table.foreignKeys.map((fk) => ({
        ...fk,
        columns: fk.columns.map((name) => (name === action.column ? action.newName : name)),
      }));
      return;
    }
    case 'rename-constraint': {
      const constraint = table.constraints.get(action.name);
      if (constraint) {
        table.constraints.delete(action.name);
        table.constraints.set(action.newName, { ...constraint, name: action.newName });
      }
      table.foreignKeys = table.foreignKeys.map((fk) => (fk.name === action.name ? { ...fk, name: action.newName } : fk));
      return;
    }
    default:
      return;
  }
}

function updateColumn(table: TableInfo, name: string, change: Partial<ColumnInfo>): void {
  const column = table.columns.get(name);
  if (column) table.columns.set(name, { ...column, ...change });
}

function moveKey<V>(map: ForkableMap<string, V>, from: string, to: string): void {
  const value = map.get(from);
  if (value === undefined) return;
  map.delete(from);
  map.set(to, value);
}

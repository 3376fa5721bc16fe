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
import type { AlterTableAction, ColumnView, ConstraintView, QualifiedName, Span, Statement, TypeRef, ViewOf } from '../parse/types.js';
import { Clock, ForkableMap, ForkableSet } from './forkable.js';
import { CONSTRAINT_LABELS, INDEX_LABEL, couldBeGeneratedName, endsWithLabel, generatedName } from './generated-names.js';
import type { LintFile } from './rule.js';
import { pointAt } from './spans.js';

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

/**
 * Where an object got its current definition: the file and the span a
 * finding about it points at (a table's name, a column's definition, …).
 * Absent for `knownTables` and for statements applied without a file.
 */
export interface Origin {
  file: LintFile;
  span: Span;
}

export interface ColumnInfo {
  name: string;
  type?: TypeRef;
  notNull: boolean;
  hasDefault: boolean;
  /** The file whose CREATE TABLE or ADD COLUMN added it; absent for `knownTables`. */
  addedIn?: LintFile;
  origin?: Origin;
}

/** A constraint as declared, with where it was added; unnamed ones are kept under the name PostgreSQL gives them. */
export interface ConstraintInfo extends ConstraintView {
  origin?: Origin;
  /** Unnamed: the label of the name PostgreSQL generated (`fkey`, `key`, …), which a DROP CONSTRAINT may spell differently. */
  generatedLabel?: string;
  /** Declared on this column (`email text UNIQUE`), not on the table. */
  onColumn?: string;
}

export interface IndexInfo {
  /** Key of its table (or materialized view). */
  table: ObjectKey;
  /** Plain column keys. */
  columns: string[];
  /** Every column it refers to (keys, expressions, WHERE): dropping one drops the index. */
  referencedColumns: string[];
  /** Unnamed: kept under the name PostgreSQL gives it (a DROP INDEX may spell an expression's part differently). */
  generatedLabel?: string;
  /** A partition's index that an index on the partitioned parent took over: dropping that index drops this one. */
  attachedTo?: ObjectKey;
  origin?: Origin;
}

export interface TriggerInfo {
  /** Key of the function it executes (DROP FUNCTION … CASCADE drops it). */
  function: ObjectKey;
  /** The CREATE TRIGGER as written (compare with `sameDefinition`). */
  definition: string;
  origin?: Origin;
}

export interface ViewInfo {
  materialized: boolean;
  /** The CREATE VIEW as written (compare with `sameDefinition`). */
  definition: string;
  /** Keys of the relations its query reads (DROP … CASCADE of one drops it). */
  reads: ObjectKey[];
  /** The columns its query names, `*` for a star (DROP COLUMN … CASCADE of one, on a relation it reads, drops it). */
  columns: string[];
  /** Keys of the types its query names (DROP TYPE … CASCADE of one drops it). */
  types: ObjectKey[];
  /** The file whose statement first created it (kept by OR REPLACE); absent for statements applied without a file. */
  createdIn?: LintFile;
  origin?: Origin;
}

export interface FunctionInfo {
  procedure: boolean;
  /** As declared (VOLATILE unless IMMUTABLE or STABLE is written). */
  volatility: 'immutable' | 'stable' | 'volatile';
  /** Argument types as written. */
  argTypes: string[];
  /** Return type and OUT / TABLE column types as written. */
  resultTypes: string[];
  /** The CREATE FUNCTION as written (compare with `sameDefinition`). */
  definition: string;
  origin?: Origin;
}

export interface SequenceInfo {
  /** Key of the table of `OWNED BY table.column`: dropping the table drops the sequence. */
  ownedBy?: ObjectKey;
  origin?: Origin;
}

export interface SchemaInfo {
  origin?: Origin;
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
  /** Constraints by name (unnamed ones by the name PostgreSQL gives them; NOT NULL only when named). */
  constraints: Map<string, ConstraintInfo>;
  foreignKeys: ForeignKeyInfo[];
  triggers: Map<string, TriggerInfo>;
  /** The file whose statement created it; absent for `knownTables`. */
  createdIn?: LintFile;
  origin?: Origin;
  temporary: boolean;
  /** `PARTITION BY`. */
  partitioned: boolean;
  /** Key of the parent of `PARTITION OF`: dropping the parent drops the partition. */
  partitionOf?: ObjectKey;
  /** Keys it had before renames, oldest first. */
  formerKeys: ObjectKey[];
}

export interface TypeInfo {
  key: ObjectKey;
  variant: 'enum' | 'composite' | 'range' | 'domain' | 'base' | 'shell';
  values: string[];
  /** A domain's underlying type (DROP TYPE … CASCADE of it drops the domain). */
  baseType?: ObjectKey;
  createdIn?: LintFile;
  origin?: Origin;
}

export class SchemaModel {
  readonly schemas: ForkableMap<string, SchemaInfo>;
  readonly tables: ForkableMap<ObjectKey, TableInfo>;
  /**
   * Tables the sequence alters (columns, constraints, triggers) but never
   * created: from outside the folder and not in `knownTables`. Kept apart, so
   * that `table()` and `hasTable()` still say the sequence does not know them.
   */
  readonly outside: ForkableMap<ObjectKey, TableInfo>;
  readonly views: ForkableMap<ObjectKey, ViewInfo>;
  readonly types: ForkableMap<ObjectKey, TypeInfo>;
  readonly sequences: ForkableMap<ObjectKey, SequenceInfo>;
  /** Function key → its overloads by argument-type signature (`int4,text`). */
  readonly functions: ForkableMap<ObjectKey, ReadonlyMap<string, FunctionInfo>>;
  /** Index key (`schema.index`) → the index. */
  readonly indexes: ForkableMap<ObjectKey, IndexInfo>;
  readonly extensions: ForkableSet<string>;
  /**
   * `table key.constraint name` → the transaction in which that constraint
   * became valid (added without NOT VALID, or VALIDATEd); absent while NOT
   * VALID or unknown. For the lock rules (see `provenNotNull`).
   */
  readonly validatedIn: ForkableMap<string, Transaction>;
  /** Table key → keys of the tables that have had a foreign key to it (some may have dropped it since). */
  private readonly referencedBy: ForkableMap<ObjectKey, ReadonlySet<ObjectKey>>;
  /**
   * What goes with a dropped or renamed object, looked up instead of found by
   * a scan of every table, view, sequence or index (a scan per DROP made
   * linting 10,000 files quadratic). Each set may hold keys that no longer
   * apply; the object itself says whether it still does.
   */
  private readonly partitions: ForkableMap<ObjectKey, ReadonlySet<ObjectKey>>;
  private readonly ownedSequences: ForkableMap<ObjectKey, ReadonlySet<ObjectKey>>;
  private readonly readers: ForkableMap<ObjectKey, ReadonlySet<ObjectKey>>;
  private readonly attachments: ForkableMap<ObjectKey, ReadonlySet<ObjectKey>>;
  /** View key → the indexes made on it (a materialized view's; a table lists its own in `indexes`). */
  private readonly viewIndexes: ForkableMap<ObjectKey, ReadonlySet<ObjectKey>>;
  private readonly clock: Clock;
  /** Tables this model may change in place (not shared with a fork). */
  private owned = new WeakSet<TableInfo>();

  constructor(knownTables: readonly string[] = [], from?: SchemaModel) {
    if (from) {
      this.clock = from.clock;
      const version = from.clock.fork();
      this.schemas = from.schemas.fork(version);
      this.tables = from.tables.fork(version);
      this.outside = from.outside.fork(version);
      this.views = from.views.fork(version);
      this.types = from.types.fork(version);
      this.sequences = from.sequences.fork(version);
      this.functions = from.functions.fork(version);
      this.indexes = from.indexes.fork(version);
      this.extensions = from.extensions.fork(version);
      this.validatedIn = from.validatedIn.fork(version);
      this.referencedBy = from.referencedBy.fork(version);
      this.partitions = from.partitions.fork(version);
      this.ownedSequences = from.ownedSequences.fork(version);
      this.readers = from.readers.fork(version);
      this.attachments = from.attachments.fork(version);
      this.viewIndexes = from.viewIndexes.fork(version);
    } else {
      this.clock = new Clock();
      this.schemas = ForkableMap.root(this.clock);
      this.schemas.set(DEFAULT_SCHEMA, {});
      this.tables = ForkableMap.root(this.clock);
      this.outside = ForkableMap.root(this.clock);
      this.views = ForkableMap.root(this.clock);
      this.types = ForkableMap.root(this.clock);
      this.sequences = ForkableMap.root(this.clock);
      this.functions = ForkableMap.root(this.clock);
      this.indexes = ForkableMap.root(this.clock);
      this.extensions = ForkableSet.root(this.clock);
      this.validatedIn = ForkableMap.root(this.clock);
      this.referencedBy = ForkableMap.root(this.clock);
      this.partitions = ForkableMap.root(this.clock);
      this.ownedSequences = ForkableMap.root(this.clock);
      this.readers = ForkableMap.root(this.clock);
      this.attachments = ForkableMap.root(this.clock);
      this.viewIndexes = ForkableMap.root(this.clock);
    }
    for (const known of knownTables) {
      const name = parseTableName(known);
      if (name.schema && !this.schemas.has(name.schema)) this.schemas.set(name.schema, {});
      this.tables.set(objectKey(name), newTable(name));
    }
  }

  /**
   * About how many objects a snapshot of the model holds (a table counts its
   * columns, their types and origins, its constraints…): what writing and
   * reading a checkpoint of it costs (checkpoint.ts). Counting stops once it
   * passes `limit`.
   */
  snapshotWeight(limit = Number.POSITIVE_INFINITY): number {
    const others = [this.schemas, this.views, this.types, this.sequences, this.functions, this.indexes, this.validatedIn, this.referencedBy, this.partitions, this.ownedSequences, this.readers, this.attachments, this.viewIndexes];
    let weight = 0;
    for (const collection of others) weight += 2 * collection.size;
    // Tables last, and only until the weight passes `limit` (the caller needs no more: 5,000 tables take ~3 ms).
    for (const tables of [this.tables, this.outside]) {
      for (const table of tables.values()) {
        weight += 4 + 3 * table.columns.size + 3 * table.constraints.size + table.indexes.size + 2 * table.triggers.size + 2 * table.foreignKeys.length;
        if (weight > limit) return weight;
      }
    }
    return weight;
  }

  /** An independent copy; both may change afterwards without affecting each other. */
  fork(): SchemaModel {
    this.owned = new WeakSet();
    return new SchemaModel([], this);
  }

  /**
   * The keys of each collection that may differ between `before`, an earlier
   * fork of the same model, and this one: a comparison of the two need look
   * at nothing else.
   */
  changesSince(before: SchemaModel): Record<'tables' | 'outside' | 'views' | 'types' | 'sequences' | 'functions' | 'indexes' | 'schemas', ReadonlySet<string>> {
    return {
      tables: this.tables.keysChangedSince(before.tables),
      outside: this.outside.keysChangedSince(before.outside),
      views: this.views.keysChangedSince(before.views),
      types: this.types.keysChangedSince(before.types),
      sequences: this.sequences.keysChangedSince(before.sequences),
      functions: this.functions.keysChangedSince(before.functions),
      indexes: this.indexes.keysChangedSince(before.indexes),
      schemas: this.schemas.keysChangedSince(before.schemas),
    };
  }

  table(name: { schema?: string; name: string }): TableInfo | undefined {
    return this.tables.get(objectKey(name));
  }

  /**
   * Whether the table or materialized view `key` held rows before `file`'s
   * migration (see existedBefore); a relation the sequence does not know did.
   * One created earlier in the same file is invisible to other sessions until COMMIT.
   */
  relationExistedBefore(key: ObjectKey, file: LintFile): boolean {
    const table = this.tables.get(key);
    if (table) return existedBefore(table, file);
    const view = this.views.get(key);
    return view === undefined || view.createdIn !== file;
  }

  /**
   * Whether a call of `name` is VOLATILE, as far as the sequence knows: true when a
   * migration created a function of that name without declaring it IMMUTABLE or
   * STABLE (any overload: which one a call picks depends on argument types the
   * model does not know). Functions it does not know (built-ins, extensions, dynamic
   * SQL) answer false: the parser knows the volatile built-ins itself.
   */
  callIsVolatile(name: { schema?: string; name: string }): boolean {
    const overloads = this.functions.get(objectKey(name));
    return overloads !== undefined && [...overloads.values()].some((overload) => overload.volatility === 'volatile');
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
        this.outside.delete(key);
        const table = newTable(view.table, file, originAt(file, view.table.span, statement));
        table.temporary = view.temporary;
        table.partitioned = view.partitioned;
        if (view.partitionOf) {
          table.partitionOf = objectKey(view.partitionOf);
          link(this.partitions, table.partitionOf, key);
        }
        for (const column of view.columns) addColumn(table, column, file, originAt(file, column.span, statement));
        for (const constraint of view.constraints) addConstraint(table, constraint, file, pointAt(constraint.span, statement));
        this.tables.set(key, table);
        this.owned.add(table);
        this.indexReferences(table);
        if (file) this.recordValidity(table, view.constraints, transactionOf(statement, file));
        return;
      }
      case 'create-index':
        this.createIndex(view, originAt(file, statement, statement));
        return;
      case 'alter-table': {
        const existing = this.tables.get(objectKey(view.table));
        if (view.objectType !== 'table') return;
        if (!existing) {
          const table = this.outsideTable(view.table);
          for (const action of view.actions) this.alterTable(table, action, file, originAt(file, action.span, statement));
          return;
        }
        const table = this.mutable(existing);
        for (const action of view.actions) this.alterTable(table, action, file, originAt(file, action.span, statement));
        this.indexReferences(table);
        if (file) this.recordValidations(table, view.actions, transactionOf(statement, file));
        return;
      }
      case 'drop':
        for (const target of view.objects) this.drop(view.objectType, target.name, view.cascade, target.table);
        return;
      case 'rename':
        this.rename(view.objectType, view.object, view.newName, view.table);
        return;
      case 'create-view': {
        const key = objectKey(view.view);
        // CREATE VIEW of an existing one fails, and IF NOT EXISTS keeps it: only OR REPLACE changes it.
        if (this.views.has(key) && !view.orReplace) return;
        const reads = view.reads.map((relation) => objectKey(relation));
        for (const read of reads) link(this.readers, read, key);
        const previous = this.views.get(key);
        const createdIn = previous ? previous.createdIn : file;
        const types = view.types.map((type) => objectKey(type));
        this.views.set(key, { materialized: view.materialized, definition: statement.text, reads, columns: view.columns, types, createdIn, origin: originAt(file, view.view.span, statement) });
        return;
      }
      case 'create-type': {
        const key = objectKey(view.type);
        if (this.types.has(key)) return;
        const baseType = view.baseType && view.baseType.schema !== 'pg_catalog' ? { baseType: objectKey(view.baseType) } : {};
        this.types.set(key, { key, variant: view.variant, values: view.values, ...baseType, createdIn: file, origin: originAt(file, view.type.span, statement) });
        return;
      }
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
        const signature = view.argTypes.join(',');
        const overloads = this.functions.get(key);
        if (overloads?.has(signature) && !view.orReplace) return;
        const info: FunctionInfo = {
          procedure: view.procedure,
          volatility: view.volatility,
          argTypes: view.argTypes,
          resultTypes: view.resultTypes,
          definition: statement.text,
          origin: originAt(file, view.name.span, statement),
        };
        // A new map, not the old one changed: forks share the old one.
        this.functions.set(key, new Map(overloads).set(signature, info));
        return;
      }
      case 'create-trigger': {
        const existing = this.tables.get(objectKey(view.table)) ?? this.outsideTable(view.table);
        if (existing.triggers.has(view.name) && !view.orReplace) return;
        const trigger = { function: objectKey(view.function), definition: statement.text, origin: originAt(file, statement, statement) };
        this.mutable(existing).triggers.set(view.name, trigger);
        return;
      }
      case 'create-schema':
        if (!this.schemas.has(view.name)) this.schemas.set(view.name, { origin: originAt(file, statement, statement) });
        return;
      case 'create-sequence': {
        const key = objectKey(view.sequence);
        if (this.sequences.has(key)) return;
        this.sequences.set(key, { ...(view.ownedBy ? { ownedBy: objectKey(view.ownedBy) } : {}), origin: originAt(file, view.sequence.span, statement) });
        if (view.ownedBy) link(this.ownedSequences, objectKey(view.ownedBy), key);
        return;
      }
      case 'alter-sequence': {
        const key = objectKey(view.sequence);
        const sequence = this.sequences.get(key);
        if (sequence && view.ownedBy) {
          this.sequences.set(key, { ...sequence, ownedBy: objectKey(view.ownedBy) });
          link(this.ownedSequences, objectKey(view.ownedBy), key);
        }
        return;
      }
      case 'create-extension':
        this.extensions.add(view.name);
        return;
      default:
        return;
    }
  }

  private createIndex(view: ViewOf<'create-index'>, origin: Origin | undefined): void {
    const tableKey = objectKey(view.table);
    const schema = view.table.schema ?? DEFAULT_SCHEMA;
    const unnamed = view.name === undefined;
    // PostgreSQL numbers a generated name that is taken: `users_email_idx1`.
    const name = view.name ?? this.freeName(schema, generatedName(view.table.name, view.columns, INDEX_LABEL), (key) => this.indexes.has(key));
    const key = `${schema}.${name}`;
    // CREATE INDEX of an existing name fails, and IF NOT EXISTS keeps the one there.
    if (this.indexes.has(key)) return;
    const index: IndexInfo = { table: tableKey, columns: view.columns, referencedColumns: view.referencedColumns };
    if (unnamed) index.generatedLabel = INDEX_LABEL;
    if (origin) index.origin = origin;
    this.indexes.set(key, index);
    const table = this.tables.get(tableKey);
    const outside = table ? undefined : this.outside.get(tableKey);
    if (table ?? outside) this.mutable((table ?? outside)!).indexes.add(name);
    else link(this.viewIndexes, tableKey, key);
    if (table?.partitioned && view.columns.length > 0) this.attachPartitionIndexes(table, key, view.columns);
  }

  /**
   * An index on a partitioned table takes over each partition's index on the
   * same columns instead of building another (dropping it drops them).
   * Partitions made by dynamic SQL are unknown to the model: they are
   * recognised by the name, `<parent>_…`, as hash-partition helpers name them.
   */
  private attachPartitionIndexes(parent: TableInfo, parentIndex: ObjectKey, columns: readonly string[]): void {
    const wanted = columns.join();
    for (const [key, index] of [...this.indexes]) {
      if (key === parentIndex || index.table === parent.key || index.columns.join() !== wanted) continue;
      const partition = this.tables.get(index.table);
      const isPartition = partition
        ? partition.partitionOf === parent.key
        : index.table.startsWith(`${parent.schema}.${parent.name}_`);
      if (!isPartition) continue;
      this.indexes.set(key, { ...index, attachedTo: parentIndex });
      link(this.attachments, parentIndex, key);
    }
  }

  /** `base`, or `base1`, `base2`, … : the first that `taken` does not report in `schema`. */
  private freeName(schema: string, base: string, taken: (key: ObjectKey) => boolean): string {
    let name = base;
    for (let number = 1; taken(`${schema}.${name}`); number++) name = `${base}${number}`;
    return name;
  }

  private alterTable(table: TableInfo, action: AlterTableAction, file: LintFile | undefined, origin: Origin | undefined): void {
    switch (action.type) {
      case 'add-column':
        if (!table.columns.has(action.column.name)) addColumn(table, action.column, file, origin && { file: origin.file, span: action.column.span });
        return;
      case 'drop-column':
        this.dropColumn(table, action.column, action.cascade);
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
      case 'add-constraint': {
        const { constraint } = action;
        // The index becomes the constraint's (renamed to its name): dropping the constraint drops it.
        if (constraint.usingIndex !== undefined) this.dropIndex(`${table.schema}.${constraint.usingIndex}`);
        addConstraint(table, constraint, file, constraint.span);
        return;
      }
      case 'drop-constraint': {
        table.foreignKeys = table.foreignKeys.filter((fk) => fk.name !== action.name);
        const name = table.constraints.has(action.name)
          ? action.name
          : [...table.constraints].find(
              ([, constraint]) => constraint.generatedLabel !== undefined && couldBeGeneratedName(action.name, table.name, constraint.generatedLabel),
            )?.[0];
        if (name !== undefined) table.constraints.delete(name);
        return;
      }
      case 'rename-column': {
        const column = table.columns.get(action.column);
        if (!column) return;
        const rename = (columns: string[]) => columns.map((name) => (name === action.column ? action.newName : name));
        table.columns.delete(action.column);
        table.columns.set(action.newName, { ...column, name: action.newName });
        table.foreignKeys = table.foreignKeys.map((fk) => ({ ...fk, columns: rename(fk.columns) }));
        for (const [name, constraint] of table.constraints) {
          if (constraint.columns.includes(action.column)) table.constraints.set(name, { ...constraint, columns: rename(constraint.columns) });
        }
        for (const name of table.indexes) {
          const key = `${table.schema}.${name}`;
          const index = this.indexes.get(key);
          if (index && (index.columns.includes(action.column) || index.referencedColumns.includes(action.column))) {
            this.indexes.set(key, { ...index, columns: rename(index.columns), referencedColumns: rename(index.referencedColumns) });
          }
        }
        return;
      }
      case 'rename-constraint': {
        const constraint = table.constraints.get(action.name);
        if (constraint) {
          table.constraints.delete(action.name);
          const { generatedLabel: _, ...named } = constraint;
          table.constraints.set(action.newName, { ...named, name: action.newName });
        }
        table.foreignKeys = table.foreignKeys.map((fk) => (fk.name === action.name ? { ...fk, name: action.newName } : fk));
        return;
      }
      default:
        return;
    }
  }

  /**
   * DROP of one object, with what goes with it: a table's indexes, triggers,
   * partitions and owned sequences; with CASCADE also the views that read a
   * dropped relation, the foreign keys to a dropped table, the triggers that
   * execute a dropped function and what uses a dropped type (see `dropUsesOfType`).
   */
  private drop(objectType: string, name: QualifiedName, cascade: boolean, on?: QualifiedName): void {
    const key = objectKey(name);
    switch (objectType) {
      case 'table':
      case 'foreign-table':
      case 'view':
      case 'materialized-view':
        this.dropRelation(key, cascade);
        return;
      case 'index': {
        if (this.indexes.has(key)) {
          this.dropIndex(key);
          return;
        }
        // An unnamed index, dropped by the name PostgreSQL gave it (which the model may spell differently for an expression).
        // Only a name with the generated suffix can be one: the others need no look at every index.
        if (!endsWithLabel(name.name, INDEX_LABEL)) return;
        const schema = name.schema ?? DEFAULT_SCHEMA;
        for (const [candidate, index] of this.indexes) {
          if (index.generatedLabel === undefined || !candidate.startsWith(`${schema}.`)) continue;
          const tableName = index.table.slice(index.table.indexOf('.') + 1);
          if (couldBeGeneratedName(name.name, tableName, index.generatedLabel)) {
            this.dropIndex(candidate);
            return;
          }
        }
        return;
      }
      case 'type':
      case 'domain':
        this.types.delete(key);
        if (cascade) this.dropUsesOfType(key);
        return;
      case 'sequence':
        this.sequences.delete(key);
        return;
      case 'function':
      case 'procedure':
      case 'routine':
        this.functions.delete(key);
        if (cascade) {
          for (const table of [...this.tables.values(), ...this.outside.values()]) {
            const triggers = [...table.triggers].filter(([, trigger]) => trigger.function === key);
            if (triggers.length === 0) continue;
            const copy = this.mutable(table);
            for (const [trigger] of triggers) copy.triggers.delete(trigger);
          }
        }
        return;
      case 'trigger': {
        const table = on && (this.tables.get(objectKey(on)) ?? this.outside.get(objectKey(on)));
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

  /** `withTable`: also off its table's list (not needed when the table goes too). */
  private dropIndex(key: ObjectKey, withTable = true): void {
    const index = this.indexes.get(key);
    if (!index) return;
    this.indexes.delete(key);
    const table = withTable ? (this.tables.get(index.table) ?? this.outside.get(index.table)) : undefined;
    if (table) this.mutable(table).indexes.delete(key.slice(key.indexOf('.') + 1));
    for (const other of this.attachments.get(key) ?? []) if (this.indexes.get(other)?.attachedTo === key) this.dropIndex(other);
  }

  /** Drops a table or view and what goes with it (see `drop`). */
  private dropRelation(key: ObjectKey, cascade: boolean): void {
    const dropped = new Set<ObjectKey>();
    const pending = [key];
    while (pending.length > 0) {
      const relation = pending.pop()!;
      if (dropped.has(relation)) continue;
      dropped.add(relation);
      const table = this.tables.get(relation) ?? this.outside.get(relation);
      if (table) {
        for (const index of table.indexes) this.dropIndex(`${table.schema}.${index}`, false);
        this.tables.delete(relation);
        this.outside.delete(relation);
      } else if (this.views.delete(relation)) {
        for (const index of this.viewIndexes.get(relation) ?? []) if (this.indexes.get(index)?.table === relation) this.dropIndex(index);
      }
      for (const child of this.partitions.get(relation) ?? []) if (this.tables.get(child)?.partitionOf === relation) pending.push(child);
      for (const sequence of this.ownedSequences.get(relation) ?? []) if (this.sequences.get(sequence)?.ownedBy === relation) this.sequences.delete(sequence);
      if (!cascade) continue;
      for (const view of this.readers.get(relation) ?? []) if (this.views.get(view)?.reads.includes(relation)) pending.push(view);
      for (const child of this.referencedBy.get(relation) ?? []) {
        const other = this.tables.get(child);
        if (!other) continue;
        const references = [...other.constraints].filter(([, constraint]) => constraint.references && objectKey(constraint.references.table) === relation);
        if (references.length === 0) continue;
        const copy = this.mutable(other);
        for (const [name] of references) copy.constraints.delete(name);
      }
    }
  }

  /**
   * ALTER TABLE … DROP COLUMN on `table` (already `mutable`): the indexes and
   * constraints on the column go with it; with CASCADE also the views that name
   * it (or `*`) in a query reading the table.
   */
  private dropColumn(table: TableInfo, column: string, cascade: boolean): void {
    table.columns.delete(column);
    table.foreignKeys = table.foreignKeys.filter((fk) => !fk.columns.includes(column));
    for (const [name, constraint] of [...table.constraints]) {
      if (constraint.columns.includes(column) || constraint.referencedColumns?.includes(column)) table.constraints.delete(name);
    }
    for (const name of [...table.indexes]) {
      const key = `${table.schema}.${name}`;
      const index = this.indexes.get(key);
      if (index && (index.columns.includes(column) || index.referencedColumns.includes(column))) this.dropIndex(key);
    }
    if (!cascade) return;
    for (const reader of this.readers.get(table.key) ?? []) {
      const view = this.views.get(reader);
      if (view?.reads.includes(table.key) && (view.columns.includes(column) || view.columns.includes('*'))) this.dropRelation(reader, true);
    }
  }

  /**
   * DROP TYPE … CASCADE, as PostgreSQL 15 does it: the domains over the type
   * (and over those), and for each dropped type the columns of it (arrays
   * included) with the views reading them, the views naming it, and the
   * functions taking or returning it. A composite type's attribute of it is
   * not modelled (the composite type stays).
   */
  private dropUsesOfType(key: ObjectKey): void {
    const dropped = new Set([key]);
    for (const pending = [key]; pending.length > 0; ) {
      const base = pending.pop()!;
      for (const [domain, type] of [...this.types]) {
        if (type.baseType !== base || dropped.has(domain)) continue;
        this.types.delete(domain);
        dropped.add(domain);
        pending.push(domain);
      }
    }
    for (const table of [...this.tables.values(), ...this.outside.values()]) {
      const columns = [...table.columns.values()].filter((column) => column.type && column.type.schema !== 'pg_catalog' && dropped.has(objectKey(column.type)));
      if (columns.length === 0) continue;
      const copy = this.mutable(table);
      for (const column of columns) this.dropColumn(copy, column.name, true);
    }
    for (const [view, info] of [...this.views]) if (info.types.some((type) => dropped.has(type))) this.dropRelation(view, true);
    const names = new Set([...dropped].map((type) => type.slice(type.indexOf('.') + 1).toLowerCase()));
    // Signatures are kept as written: a type is matched by its last name part, `mood[]` and `app.mood` included.
    const mentions = (typeText: string) => typeText.toLowerCase().split(/[^a-z0-9_$]+/).some((part) => names.has(part));
    for (const [name, overloads] of [...this.functions]) {
      const kept = new Map([...overloads].filter(([, info]) => !info.argTypes.some(mentions) && !info.resultTypes.some(mentions)));
      if (kept.size === overloads.size) continue;
      if (kept.size === 0) this.functions.delete(name);
      else this.functions.set(name, kept);
    }
  }

  /** DROP SCHEMA succeeds only when empty or with CASCADE; either way nothing in it is left. */
  private dropSchema(schema: string): void {
    this.schemas.delete(schema);
    const inSchema = (key: string) => key.startsWith(`${schema}.`);
    for (const map of [this.tables, this.outside, this.views, this.types, this.functions, this.indexes, this.sequences] as Array<ForkableMap<string, unknown>>) {
      for (const key of [...map.keys()]) if (inSchema(key)) map.delete(key);
    }
  }

  private rename(objectType: string, object: QualifiedName, newName: string, on?: QualifiedName): void {
    const key = objectKey(object);
    const schema = object.schema ?? DEFAULT_SCHEMA;
    const newKey = `${schema}.${newName}`;
    switch (objectType) {
      case 'table':
      case 'foreign-table': {
        const table = this.tables.get(key);
        if (!table) {
          if (this.views.has(key)) this.renameView(key, newKey);
          const outside = this.outside.get(key);
          if (outside) {
            this.outside.delete(key);
            this.outside.set(newKey, { ...this.mutable(outside), key: newKey, name: newName });
          }
          return;
        }
        this.tables.delete(key);
        const renamed = { ...this.mutable(table), key: newKey, name: newName, formerKeys: [...table.formerKeys, key] };
        this.tables.set(newKey, renamed);
        this.owned.add(renamed);
        this.indexReferences(renamed);
        if (renamed.partitionOf) link(this.partitions, renamed.partitionOf, newKey);
        // The tables that reference it or are its partitions (itself, under its new key, when it references itself).
        const related = new Set([...(this.referencedBy.get(key) ?? []), ...(this.partitions.get(key) ?? [])].map((child) => (child === key ? newKey : child)));
        for (const child of related) {
          const other = this.tables.get(child);
          if (other && (other.foreignKeys.some((fk) => fk.references === key) || other.partitionOf === key)) {
            const copy = this.mutable(other);
            copy.foreignKeys = copy.foreignKeys.map((fk) => (fk.references === key ? { ...fk, references: newKey } : fk));
            // A foreign key refers to the table itself, not its name.
            for (const [name, constraint] of copy.constraints) {
              const references = constraint.references;
              if (references && objectKey(references.table) === key) {
                copy.constraints.set(name, { ...constraint, references: { ...references, table: { ...references.table, schema, name: newName } } });
              }
            }
            if (copy.partitionOf === key) {
              copy.partitionOf = newKey;
              link(this.partitions, newKey, copy.key);
            }
            this.indexReferences(copy);
          }
        }
        for (const index of table.indexes) {
          const indexKey = `${schema}.${index}`;
          const info = this.indexes.get(indexKey);
          if (info) this.indexes.set(indexKey, { ...info, table: newKey });
        }
        this.followRelation(key, newKey);
        return;
      }
      case 'index': {
        const index = this.indexes.get(key);
        if (index === undefined) {
          this.renameConstraintIndex(schema, object.name, newName);
          return;
        }
        this.indexes.delete(key);
        const { generatedLabel: _, ...named } = index;
        this.indexes.set(newKey, named);
        for (const other of this.attachments.get(key) ?? []) {
          const attached = this.indexes.get(other);
          if (attached?.attachedTo !== key) continue;
          this.indexes.set(other, { ...attached, attachedTo: newKey });
          link(this.attachments, newKey, other);
        }
        const table = this.tables.get(index.table);
        if (table) {
          const copy = this.mutable(table);
          copy.indexes.delete(object.name);
          copy.indexes.add(newName);
        } else link(this.viewIndexes, index.table, newKey);
        return;
      }
      case 'view':
      case 'materialized-view':
        this.renameView(key, newKey);
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
        moveKey(this.sequences, key, newKey);
        return;
      case 'function':
      case 'procedure':
        moveKey(this.functions, key, newKey);
        return;
      case 'trigger': {
        const table = on && (this.tables.get(objectKey(on)) ?? this.outside.get(objectKey(on)));
        const trigger = table?.triggers.get(object.name);
        if (table && trigger) {
          const copy = this.mutable(table);
          copy.triggers.delete(object.name);
          copy.triggers.set(newName, trigger);
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

  /** The record of what the sequence did to `name`, a table it never created (see `outside`), ready to change. */
  private outsideTable(name: { schema?: string; name: string }): TableInfo {
    const key = objectKey(name);
    const existing = this.outside.get(key);
    if (existing) return this.mutable(existing);
    const table = newTable(name);
    this.outside.set(key, table);
    this.owned.add(table);
    return table;
  }

  /** The index of a primary key, unique or exclusion constraint shares its name: renaming it renames the constraint. */
  private renameConstraintIndex(schema: string, name: string, newName: string): void {
    for (const table of [...this.tables.values()]) {
      const constraint = table.schema === schema ? table.constraints.get(name) : undefined;
      if (!constraint || (constraint.kind !== 'primary-key' && constraint.kind !== 'unique' && constraint.kind !== 'exclusion')) continue;
      const copy = this.mutable(table);
      copy.constraints.delete(name);
      const { generatedLabel: _, ...named } = constraint;
      copy.constraints.set(newName, { ...named, name: newName });
      return;
    }
  }

  /** ALTER VIEW … RENAME (or ALTER TABLE … RENAME of a view, which PostgreSQL allows). */
  private renameView(key: ObjectKey, newKey: ObjectKey): void {
    moveKey(this.views, key, newKey);
    for (const read of this.views.get(newKey)?.reads ?? []) link(this.readers, read, newKey);
    for (const index of this.viewIndexes.get(key) ?? []) {
      const info = this.indexes.get(index);
      if (info?.table !== key) continue;
      this.indexes.set(index, { ...info, table: newKey });
      link(this.viewIndexes, newKey, index);
    }
    this.followRelation(key, newKey);
  }

  /** Views and sequences refer to a relation itself, not its name: they follow it to `newKey`. */
  private followRelation(key: ObjectKey, newKey: ObjectKey): void {
    for (const view of this.readers.get(key) ?? []) {
      const info = this.views.get(view);
      if (!info?.reads.includes(key)) continue;
      this.views.set(view, { ...info, reads: info.reads.map((read) => (read === key ? newKey : read)) });
      link(this.readers, newKey, view);
    }
    for (const sequence of this.ownedSequences.get(key) ?? []) {
      const info = this.sequences.get(sequence);
      if (info?.ownedBy !== key) continue;
      this.sequences.set(sequence, { ...info, ownedBy: newKey });
      link(this.ownedSequences, newKey, sequence);
    }
  }

  private renameSchema(from: string, to: string): void {
    const info = this.schemas.get(from);
    if (!info) return;
    this.schemas.delete(from);
    this.schemas.set(to, info);
    const rekey = (key: string) => (key.startsWith(`${from}.`) ? `${to}.${key.slice(from.length + 1)}` : key);
    for (const map of [this.views, this.types, this.functions, this.sequences] as Array<ForkableMap<string, unknown>>) {
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
      this.owned.add(renamed);
      this.indexReferences(renamed);
    }
    for (const [key, index] of [...this.indexes]) {
      this.indexes.delete(key);
      this.indexes.set(rekey(key), { ...index, table: rekey(index.table) });
      link(this.viewIndexes, rekey(index.table), rekey(key));
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
      triggers: new Map(table.triggers),
      createdIn: table.createdIn,
      origin: table.origin,
      temporary: table.temporary,
      partitioned: table.partitioned,
      partitionOf: table.partitionOf,
      formerKeys: table.formerKeys,
    };
    if (this.tables.get(table.key) === table) this.tables.set(table.key, copy);
    else if (this.outside.get(table.key) === table) this.outside.set(table.key, copy);
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

/** Where `span` of `statement` in `file` is, for a finding about what it defines; none without a file. */
function originAt(file: LintFile | undefined, span: Span, statement: Statement): Origin | undefined {
  return file ? { file, span: pointAt(span, statement) } : undefined;
}

function newTable(name: { schema?: string; name: string }, createdIn?: LintFile, origin?: Origin): TableInfo {
  return {
    key: objectKey(name),
    schema: name.schema ?? DEFAULT_SCHEMA,
    name: name.name,
    columns: new Map(),
    indexes: new Set(),
    constraints: new Map(),
    foreignKeys: [],
    triggers: new Map(),
    createdIn,
    origin,
    temporary: false,
    partitioned: false,
    formerKeys: [],
  };
}

function addColumn(table: TableInfo, column: ColumnView, file: LintFile | undefined, origin: Origin | undefined): void {
  table.columns.set(column.name, {
    name: column.name,
    type: column.type,
    notNull: column.notNull || column.primaryKey,
    hasDefault: column.hasDefault,
    addedIn: file,
    origin,
  });
  for (const constraint of column.constraints) addConstraint(table, constraint, file, constraint.span, column.name);
}

/**
 * Unnamed constraints are kept under the name PostgreSQL gives them (numbered when taken); unnamed NOT NULL ones are not kept.
 * `span`: where a finding about it points in `file` (its origin, made only for a constraint kept).
 */
function addConstraint(table: TableInfo, constraint: ConstraintView, file: LintFile | undefined, span: Span, onColumn?: string): void {
  if (constraint.name) table.constraints.set(constraint.name, constraintInfo(constraint, file && { file, span }, onColumn));
  else if (constraint.kind !== 'not-null') {
    const label = CONSTRAINT_LABELS[constraint.kind];
    const base = generatedName(table.name, constraint.columns, label);
    let name = base;
    for (let number = 1; table.constraints.has(name); number++) name = `${base}${number}`;
    table.constraints.set(name, constraintInfo(constraint, file && { file, span }, onColumn, label));
  }
  if (constraint.references) {
    table.foreignKeys.push({
      name: constraint.name,
      columns: constraint.columns,
      references: objectKey(constraint.references.table),
    });
  }
}

function constraintInfo(constraint: ConstraintView, origin: Origin | undefined, onColumn?: string, generatedLabel?: string): ConstraintInfo {
  // Built field by field, not spread: in Node 20 each property after a spread costs ~1 µs, and a sequence has a constraint per table or two.
  const info: ConstraintInfo = { kind: constraint.kind, columns: constraint.columns, notValid: constraint.notValid, span: constraint.span };
  if (constraint.name !== undefined) info.name = constraint.name;
  if (constraint.references !== undefined) info.references = constraint.references;
  if (constraint.usingIndex !== undefined) info.usingIndex = constraint.usingIndex;
  if (constraint.notNullColumn !== undefined) info.notNullColumn = constraint.notNullColumn;
  if (constraint.referencedColumns !== undefined) info.referencedColumns = constraint.referencedColumns;
  if (origin !== undefined) info.origin = origin;
  if (onColumn !== undefined) info.onColumn = onColumn;
  if (generatedLabel !== undefined) info.generatedLabel = generatedLabel;
  return info;
}

function updateColumn(table: TableInfo, name: string, change: Partial<ColumnInfo>): void {
  const column = table.columns.get(name);
  if (column) table.columns.set(name, { ...column, ...change });
}

/** Adds `member` to the set under `key` (a new set: forks share the old one). */
function link(map: ForkableMap<ObjectKey, ReadonlySet<ObjectKey>>, key: ObjectKey, member: ObjectKey): void {
  const members = map.get(key);
  if (!members?.has(member)) map.set(key, new Set(members).add(member));
}

function moveKey<V>(map: ForkableMap<string, V>, from: string, to: string): void {
  const value = map.get(from);
  if (value === undefined) return;
  map.delete(from);
  map.set(to, value);
}

/**
 * Whether two definitions of a view, function or trigger (their statements as
 * written) are the same: equal in lower case with runs of white space as one,
 * `CREATE OR REPLACE` read as `CREATE`. Kept as written and normalised only
 * here, when a down file's object is compared with the up file's: normalising
 * every CREATE VIEW, FUNCTION and TRIGGER cost LemmyNet's lint ~8 ms.
 */
export function sameDefinition(a: string, b: string): boolean {
  return a === b || normalisedDefinition(a) === normalisedDefinition(b);
}

function normalisedDefinition(definition: string): string {
  return definition.toLowerCase().replace(/\s+/g, ' ').replace(/^create or replace /, 'create ');
}

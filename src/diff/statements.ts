/**
 * The statements of one migration file: what turns the schema `from` into the
 * schema `to` (two catalog snapshots). Pure. plan.ts calls it for each step of
 * a draft, in both directions, with intermediate snapshots that keep each
 * step within the SOP; here only one file's rules apply:
 *
 * - Everything is safe to run twice (IF [NOT] EXISTS, CREATE OR REPLACE).
 * - A relation that is in `from` existed before this migration: an index on it
 *   is built CONCURRENTLY when the file runs without a transaction, a UNIQUE
 *   or PRIMARY KEY is then added USING INDEX, a FOREIGN KEY or CHECK is added
 *   NOT VALID, and SET NOT NULL follows a VALIDATE of its `CHECK (col IS NOT
 *   NULL)`. Where a file must break that rule to restore a state exactly (a
 *   down file re-adding what its up dropped), it says so in a disable comment.
 * - Statements run in stages (drops of dependents first, then creates of
 *   containers first); `stage` numbers below order them.
 */
import type { CatalogObject, CatalogSnapshot, PropertyValue } from '../verify/snapshot.js';
// The definitions dump writes; what is added here makes them a migration's statements.
import * as ddl from '../dump/definitions.js';
import { ident, INDENT, literal, qualified } from '../dump/definitions.js';
import { enumLabels, functionSignature, memberName, mentions, relationOf, text } from './sql.js';

export interface DraftNote {
  /** `manual`: a change the draft leaves out, to write by hand; `rename`: a drop and an add that may be one rename. */
  kind: 'manual' | 'rename';
  message: string;
}

export interface FileOptions {
  /** The file runs statement by statement (`-- sqlmig:no-transaction`): indexes on existing tables are built CONCURRENTLY. */
  noTransaction: boolean;
  /** Why a disable comment is needed in this file, e.g. `restores the state before the up file exactly`. */
  disableReason: string;
  /** Up files get placeholders for the backfills they need. */
  direction: 'up' | 'down';
  /** Column positions (`schema.table.column` → attnum), so CREATE TABLE lists columns in their order; by name otherwise. */
  columnOrder?: ReadonlyMap<string, number>;
}

export interface FileDraft {
  statements: string[];
  notes: DraftNote[];
}

const STAGE = {
  dropTrigger: 10,
  dropPolicy: 11,
  dropView: 12,
  dropForeignKey: 13,
  dropConstraint: 14,
  dropIndex: 14.5,
  disownSequence: 14.9,
  dropColumn: 15,
  dropTable: 16,
  dropFunction: 17,
  dropSequence: 17.5,
  dropType: 18,
  dropExtension: 18.5,
  dropSchema: 19,
  createSchema: 20,
  createExtension: 21,
  createType: 22,
  createSequence: 23,
  createFunction: 24,
  createTable: 25,
  alterColumn: 26,
  alterTable: 26.5,
  ownSequence: 27,
  addUniqueIndex: 27.5,
  addConstraint: 28,
  validate: 28.2,
  addForeignKey: 30.2,
  setNotNull: 29,
  dropNotNullCheck: 29.5,
  createIndex: 30,
  createViewOrSqlFunction: 31,
  createViewIndex: 31.5,
  createTrigger: 32,
  createPolicy: 33,
  comment: 34,
} as const;

type ConstraintKind = 'primary key' | 'unique' | 'foreign key' | 'check' | 'exclusion';

/** What kind a constraint is, from its definition (pg_get_constraintdef). */
export function constraintKind(definition: string): ConstraintKind {
  if (definition.startsWith('PRIMARY KEY')) return 'primary key';
  if (definition.startsWith('UNIQUE')) return 'unique';
  if (definition.startsWith('FOREIGN KEY')) return 'foreign key';
  if (definition.startsWith('EXCLUDE')) return 'exclusion';
  return 'check';
}

const NOT_VALID = ' NOT VALID';

/** `CHECK ((email IS NOT NULL))`, with or without NOT VALID: the column it proves NOT NULL. */
function notNullCheckColumn(definition: string): string | null {
  const match = /^CHECK \(\((.+) IS NOT NULL\)\)( NOT VALID)?$/.exec(definition);
  if (!match) return null;
  const column = match[1]!;
  if (/^[a-z_][a-z0-9_$]*$/.test(column)) return column;
  const quoted = /^"((?:[^"]|"")+)"$/.exec(column);
  return quoted ? quoted[1]!.replaceAll('""', '"') : null;
}

function keyOf(object: CatalogObject): string {
  return `${object.kind} ${object.name}`;
}

function same(a: CatalogObject, b: CatalogObject, ignore: readonly string[] = []): boolean {
  const keys = new Set([...Object.keys(a.properties), ...Object.keys(b.properties)]);
  for (const key of keys) {
    if (ignore.includes(key)) continue;
    if (comparable(a, key) !== comparable(b, key)) return false;
  }
  return true;
}

/** A function's source with whitespace runs as one space, as verify compares it. */
function comparable(object: CatalogObject, key: string): PropertyValue {
  const value = object.properties[key] ?? null;
  return object.kind === 'function' && key === 'definition' && typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : value;
}

/** Properties that are not drafted: compared only to say so. */
const NOT_DRAFTED = ['privileges'];

export function draftFile(from: CatalogSnapshot, to: CatalogSnapshot, options: FileOptions): FileDraft {
  return new FileWriter(from, to, options).write();
}

class FileWriter {
  private readonly pieces: { stage: number; order: number; sql: string }[] = [];
  private readonly notes: DraftNote[] = [];
  private readonly before: Map<string, CatalogObject>;
  private readonly after: Map<string, CatalogObject>;
  /** Tables and views in both snapshots: they existed before this file. */
  private readonly existing = new Set<string>();
  private readonly droppedRelations = new Set<string>();
  private readonly createdRelations = new Set<string>();
  /** Enums that lose values: created again (see recreateEnum). */
  private readonly recreatedEnums = new Set<string>();
  /** Views dropped and created again (see viewsToRecreate). */
  private readonly recreatedViews: Set<string>;

  constructor(
    private readonly from: CatalogSnapshot,
    private readonly to: CatalogSnapshot,
    private readonly options: FileOptions,
  ) {
    this.before = new Map(from.map((object) => [keyOf(object), object]));
    this.after = new Map(to.map((object) => [keyOf(object), object]));
    for (const object of to) {
      if (object.kind !== 'table') continue;
      const old = this.before.get(keyOf(object));
      if (old && !this.mustRecreate(old, object)) this.existing.add(object.name);
      else this.createdRelations.add(object.name);
    }
    for (const object of from) if (object.kind === 'table' && !this.existing.has(object.name)) this.droppedRelations.add(object.name);
    for (const type of to) {
      const old = this.before.get(keyOf(type));
      if (type.kind !== 'type' || type.properties.kind !== 'enum' || old?.properties.kind !== 'enum') continue;
      const was = enumLabels(old);
      const is = enumLabels(type);
      const removedOnly = is.every((label, index) => was.includes(label) && (index === 0 || was.indexOf(label) > was.indexOf(is[index - 1]!)));
      if (is.length < was.length && removedOnly) this.recreatedEnums.add(type.name);
    }
    const droppedFunctions = from.filter((object) => object.kind === 'function' && !this.after.has(keyOf(object)));
    this.recreatedViews = this.viewsToRecreate(droppedFunctions);
    for (const object of to) {
      if (object.kind !== 'view') continue;
      if (this.before.has(keyOf(object)) && !this.recreatedViews.has(object.name)) this.existing.add(object.name);
      else this.createdRelations.add(object.name);
    }
    for (const object of from) if (object.kind === 'view' && !this.existing.has(object.name)) this.droppedRelations.add(object.name);
  }

  write(): FileDraft {
    this.schemas();
    this.extensions();
    this.types();
    this.sequences();
    this.tables();
    this.columns();
    this.constraints();
    this.indexes();
    this.functionsAndViews();
    this.triggers();
    this.policies();
    this.renames();
    const statements = this.pieces.sort((a, b) => a.stage - b.stage || a.order - b.order).map((piece) => piece.sql);
    return { statements, notes: this.notes };
  }

  private add(stage: number, sql: string): void {
    this.pieces.push({ stage, order: this.pieces.length, sql });
  }

  private manual(message: string): void {
    this.notes.push({ kind: 'manual', message });
  }

  /** A statement that breaks `rule` on purpose, with the reason in its disable comment. */
  private addDisabled(stage: number, rule: string, sql: string, reason = this.options.disableReason): void {
    this.add(stage, `-- sqlmig-disable-next-line ${rule} -- ${reason}\n${sql}`);
  }

  private changes(kind: CatalogObject['kind']): { added: CatalogObject[]; removed: CatalogObject[]; changed: [CatalogObject, CatalogObject][] } {
    const added: CatalogObject[] = [];
    const removed: CatalogObject[] = [];
    const changed: [CatalogObject, CatalogObject][] = [];
    for (const object of this.to) {
      if (object.kind !== kind) continue;
      const old = this.before.get(keyOf(object));
      if (!old) added.push(object);
      else if (!same(old, object)) changed.push([old, object]);
    }
    for (const object of this.from) if (object.kind === kind && !this.after.has(keyOf(object))) removed.push(object);
    return { added, removed, changed };
  }

  private comment(stage: number, what: string, name: string, comment: string | null): void {
    this.add(stage, ddl.commentOn(what, name, comment));
  }

  private privilegesDiffer(old: CatalogObject, now: CatalogObject): void {
    if (old.properties.privileges !== now.properties.privileges) {
      this.manual(`privileges of ${now.kind} ${now.name} differ (GRANT and REVOKE are not drafted)`);
    }
  }

  // Schemas and extensions

  private schemas(): void {
    const { added, removed, changed } = this.changes('schema');
    for (const schema of added) {
      this.add(STAGE.createSchema, ifNotExists(ddl.createSchema(ident(schema.name))));
      if (text(schema, 'comment') !== null) this.comment(STAGE.comment, 'SCHEMA', ident(schema.name), text(schema, 'comment'));
    }
    for (const schema of removed) this.add(STAGE.dropSchema, `DROP SCHEMA IF EXISTS ${ident(schema.name)};`);
    for (const [old, now] of changed) {
      if (old.properties.comment !== now.properties.comment) this.comment(STAGE.comment, 'SCHEMA', ident(now.name), text(now, 'comment'));
      this.privilegesDiffer(old, now);
    }
  }

  private extensions(): void {
    const { added, removed, changed } = this.changes('extension');
    for (const extension of added) {
      this.add(STAGE.createExtension, ifNotExists(ddl.createExtension(ident(extension.name), ident(text(extension, 'schema')!))));
    }
    for (const extension of removed) this.add(STAGE.dropExtension, `DROP EXTENSION IF EXISTS ${ident(extension.name)};`);
    for (const [old, now] of changed) {
      if (old.properties.version !== now.properties.version) {
        this.add(STAGE.createExtension, `ALTER EXTENSION ${ident(now.name)} UPDATE TO ${literal(text(now, 'version')!)};`);
      }
      if (old.properties.schema !== now.properties.schema) {
        this.add(STAGE.createExtension, `ALTER EXTENSION ${ident(now.name)} SET SCHEMA ${ident(text(now, 'schema')!)};`);
      }
    }
  }

  // Types

  private types(): void {
    const { added, removed, changed } = this.changes('type');
    for (const type of added) this.createType(type);
    for (const type of removed) {
      const keyword = type.properties.kind === 'domain' ? 'DOMAIN' : 'TYPE';
      this.add(STAGE.dropType, `DROP ${keyword} IF EXISTS ${qualified(type.name)};`);
    }
    for (const [old, now] of changed) {
      if (!same(old, now, ['comment'])) {
        if (old.properties.kind === 'enum' && now.properties.kind === 'enum') this.enumValues(old, now);
        else this.manual(`${now.properties.kind} ${now.name} changed (${changedProperties(old, now).join(', ')}): alter it by hand`);
      }
      if (old.properties.comment !== now.properties.comment) this.comment(STAGE.comment, 'TYPE', qualified(now.name), text(now, 'comment'));
    }
  }

  private createType(type: CatalogObject): void {
    const name = qualified(type.name);
    const p = type.properties;
    const create = ddl.createType(name, {
      kind: p.kind,
      labels: p.labels,
      baseType: p['base type'],
      default: p.default,
      notNull: p['not null'] === true,
      constraints: (text(type, 'constraints') ?? '')
        .split('; ')
        .filter(Boolean)
        .map((constraint) => ({ ident: ident(constraint.slice(0, constraint.indexOf(' '))), definition: constraint.slice(constraint.indexOf(' ') + 1) })),
      attributes: text(type, 'attributes') ? [text(type, 'attributes')!] : [],
      subtype: p.subtype,
    });
    if (create === null) {
      this.manual(`base type ${type.name} is not drafted: create it by hand`);
      return;
    }
    this.add(STAGE.createType, create);
    if (text(type, 'comment') !== null) this.comment(STAGE.comment, p.kind === 'domain' ? 'DOMAIN' : 'TYPE', name, text(type, 'comment'));
  }

  /** Labels added anywhere can be added; a removed or reordered label cannot (PostgreSQL has no DROP VALUE). */
  private enumValues(old: CatalogObject, now: CatalogObject): void {
    const was = enumLabels(old);
    const is = enumLabels(now);
    if (this.recreatedEnums.has(now.name)) {
      this.recreateEnum(now, was, is);
      return;
    }
    const kept = is.filter((label) => was.includes(label));
    if (kept.length !== was.length || kept.some((label, index) => label !== was[index])) {
      this.manual(
        `enum ${now.name}: values reordered (${was.join(', ')} → ${is.join(', ')}); PostgreSQL cannot move an enum value: ` +
          'create a new type, move the columns to it, drop the old one, by hand',
      );
      return;
    }
    for (const [index, label] of is.entries()) {
      if (was.includes(label)) continue;
      const next = is.slice(index + 1).find((other) => was.includes(other));
      const previous = is.slice(0, index).reverse().find((other) => was.includes(other) || is.indexOf(other) < index);
      const position = next !== undefined ? ` BEFORE ${next}` : previous !== undefined ? ` AFTER ${previous}` : '';
      this.add(STAGE.createType, `ALTER TYPE ${qualified(now.name)} ADD VALUE IF NOT EXISTS ${label}${position};`);
    }
  }

  /**
   * PostgreSQL cannot drop an enum value (nor can a down file undo ADD VALUE):
   * the type is created again without it and its columns moved over, which
   * fails while a row holds a removed value, as it should.
   */
  private recreateEnum(now: CatalogObject, was: readonly string[], is: readonly string[]): void {
    const name = qualified(now.name);
    const local = localName(now.name);
    const retired = `${local}__old`;
    if (this.options.direction === 'up') {
      this.manual(`enum ${now.name}: values ${was.filter((label) => !is.includes(label)).join(', ')} removed: the draft creates the type again and moves its columns to it, which fails while a row holds a removed value`);
    }
    this.add(STAGE.createType, `ALTER TYPE ${name} RENAME TO ${ident(retired)};`);
    this.add(STAGE.createType, ddl.createType(name, { kind: 'enum', labels: is.join(', ') })!);
    for (const column of this.to) {
      if (column.kind !== 'column' || !this.existing.has(relationOf(column)) || !this.before.has(keyOf(column))) continue;
      // A partition's column follows its parent's.
      if (this.after.get(`table ${relationOf(column)}`)?.properties['partition of']) continue;
      const type = enumOfColumn(String(column.properties.type), this.recreatedEnums);
      if (type !== now.name) continue;
      const alter = `ALTER TABLE ${qualified(relationOf(column))} ALTER COLUMN ${ident(memberName(column))}`;
      const array = String(column.properties.type).endsWith('[]') ? '[]' : '';
      const fallback = column.properties.default;
      if (fallback !== null) this.add(STAGE.alterColumn, `${alter} DROP DEFAULT;`);
      this.addDisabled(STAGE.alterColumn, 'table-rewrite', `${alter} TYPE ${name}${array} USING ${ident(memberName(column))}::text${array}::${name}${array};`);
      if (fallback !== null) this.add(STAGE.alterColumn, `${alter} SET DEFAULT ${fallback};`);
    }
    this.add(STAGE.alterColumn + 0.1, `DROP TYPE IF EXISTS ${qualified(`${now.name.slice(0, now.name.indexOf('.'))}.${retired}`)};`);
  }

  // Sequences

  private sequences(): void {
    const { added, removed, changed } = this.changes('sequence');
    for (const sequence of added) {
      const p = sequence.properties;
      this.add(STAGE.createSequence, ifNotExists(ddl.createSequence(qualified(sequence.name), p)));
      if (p['owned by']) this.add(STAGE.ownSequence, `ALTER SEQUENCE ${qualified(sequence.name)} OWNED BY ${ownedBy(text(sequence, 'owned by')!)};`);
    }
    for (const sequence of removed) this.add(STAGE.dropSequence, `DROP SEQUENCE IF EXISTS ${qualified(sequence.name)};`);
    for (const [old, now] of changed) {
      const p = now.properties;
      const options: string[] = [];
      if (old.properties.type !== p.type) options.push(`AS ${p.type}`);
      if (old.properties.increment !== p.increment) options.push(`INCREMENT BY ${p.increment}`);
      if (old.properties.min !== p.min) options.push(`MINVALUE ${p.min}`);
      if (old.properties.max !== p.max) options.push(`MAXVALUE ${p.max}`);
      if (old.properties.start !== p.start) options.push(`START WITH ${p.start}`);
      if (old.properties.cache !== p.cache) options.push(`CACHE ${p.cache}`);
      if (old.properties.cycle !== p.cycle) options.push(p.cycle ? 'CYCLE' : 'NO CYCLE');
      if (options.length > 0) this.add(STAGE.createSequence, `ALTER SEQUENCE ${qualified(now.name)} ${options.join(' ')};`);
      if (old.properties['owned by'] !== p['owned by']) {
        // Released before its old column or table is dropped (which would drop it too), owned again once the new one exists.
        const owner = text(now, 'owned by');
        this.add(STAGE.disownSequence, `ALTER SEQUENCE ${qualified(now.name)} OWNED BY NONE;`);
        if (owner !== null) this.add(STAGE.ownSequence, `ALTER SEQUENCE ${qualified(now.name)} OWNED BY ${ownedBy(owner)};`);
      }
      this.privilegesDiffer(old, now);
    }
  }

  // Tables and columns

  /** A table whose kind, partitioning or inheritance changes is dropped and created again (with a note). */
  private mustRecreate(old: CatalogObject, now: CatalogObject): boolean {
    return ['kind', 'partition key', 'partition of', 'inherits'].some((property) => old.properties[property] !== now.properties[property]);
  }

  private tables(): void {
    const added = this.to.filter((object) => object.kind === 'table' && this.createdRelations.has(object.name));
    const removed = this.from.filter((object) => object.kind === 'table' && this.droppedRelations.has(object.name));
    for (const table of parentsFirst(added, this.to)) this.createTable(table);
    const plain: string[] = [];
    for (const table of childrenFirst(removed, this.from)) {
      if (this.after.has(keyOf(table))) this.manual(`table ${table.name} changes kind, partitioning or inheritance: the draft drops and re-creates it (its rows are lost)`);
      if (table.properties.kind === 'foreign table') this.add(STAGE.dropTable, `DROP FOREIGN TABLE IF EXISTS ${qualified(table.name)};`);
      else plain.push(qualified(table.name));
    }
    // One statement: tables that reference each other (even in a cycle) go together.
    if (plain.length === 1) this.add(STAGE.dropTable, `DROP TABLE IF EXISTS ${plain[0]};`);
    else if (plain.length > 1) this.add(STAGE.dropTable, `DROP TABLE IF EXISTS\n  ${plain.join(',\n  ')};`);
    for (const table of this.to) {
      if (table.kind !== 'table' || !this.existing.has(table.name)) continue;
      const old = this.before.get(keyOf(table))!;
      const name = qualified(table.name);
      const p = table.properties;
      if (old.properties.unlogged !== p.unlogged) this.add(STAGE.alterTable, `ALTER TABLE ${name} SET ${p.unlogged ? 'UNLOGGED' : 'LOGGED'};`);
      if (old.properties['row security'] !== p['row security']) {
        const security = { disabled: 'DISABLE', enabled: 'ENABLE', forced: 'ENABLE' }[String(p['row security'])] ?? 'DISABLE';
        this.add(STAGE.alterTable, `ALTER TABLE ${name} ${security} ROW LEVEL SECURITY;`);
        if ((old.properties['row security'] === 'forced') !== (p['row security'] === 'forced')) {
          this.add(STAGE.alterTable, `ALTER TABLE ${name} ${p['row security'] === 'forced' ? '' : 'NO '}FORCE ROW LEVEL SECURITY;`);
        }
      }
      if (old.properties.options !== p.options) {
        const keys = (text(old, 'options') ?? '').split(', ').filter(Boolean).map((option) => option.split('=')[0]!);
        if (keys.length > 0) this.add(STAGE.alterTable, `ALTER TABLE ${name} RESET (${keys.join(', ')});`);
        if (text(table, 'options')) this.add(STAGE.alterTable, `ALTER TABLE ${name} SET (${text(table, 'options')});`);
      }
      if (old.properties.comment !== p.comment) this.comment(STAGE.comment, 'TABLE', name, text(table, 'comment'));
      this.privilegesDiffer(old, table);
    }
  }

  private membersOf(snapshot: CatalogSnapshot, kind: CatalogObject['kind'], relation: string): CatalogObject[] {
    return snapshot.filter((object) => object.kind === kind && object.parent !== null && relationOf(object) === relation && object.parent.startsWith('table '));
  }

  /**
   * A down file restoring a status-like column typed TEXT (as status-column-varchar
   * names them by default): the old type is what it must restore.
   */
  private restoresStatusText(column: CatalogObject): boolean {
    if (this.options.direction !== 'down' || !['text', 'character varying'].includes(String(column.properties.type))) return false;
    const name = memberName(column).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    return /^(status|state)$|_(status|state)$/.test(name);
  }

  private columnsOf(table: string): CatalogObject[] {
    const order = this.options.columnOrder;
    const columns = this.membersOf(this.to, 'column', table);
    return order ? columns.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0)) : columns;
  }

  private createTable(table: CatalogObject): void {
    const name = qualified(table.name);
    const p = table.properties;
    const partitionOf = text(table, 'partition of');
    const elements: string[] = [];
    if (partitionOf === null) {
      for (const column of this.columnsOf(table.name)) {
        const definition = columnSql(column);
        elements.push(this.restoresStatusText(column) ? `-- sqlmig-disable-next-line status-column-varchar -- ${this.options.disableReason}\n${INDENT}${definition}` : definition);
      }
      for (const constraint of this.membersOf(this.to, 'constraint', table.name)) {
        const definition = text(constraint, 'definition')!;
        const kind = constraintKind(definition);
        // CREATE TABLE silently leaves out a UNIQUE that repeats another key: those come after it (see constraints()).
        if (kind === 'foreign key' || kind === 'unique') continue;
        elements.push(`CONSTRAINT ${ident(memberName(constraint))} ${definition}`);
      }
    }
    const foreign = p.kind === 'foreign table';
    if (foreign) this.manual(`foreign table ${table.name}: its server and options are not drafted`);
    // The snapshot's `partition of` is the parent and its bound in one: `public.events FOR VALUES FROM (…) TO (…)`.
    const bound = partitionOf === null ? null : (/^(.*?) (FOR VALUES .*|DEFAULT)$/s.exec(partitionOf) ?? [partitionOf, partitionOf, '']);
    const create = ddl.createTable(name, {
      unlogged: p.unlogged === true,
      foreign,
      partitionOf: bound ? { parent: bound[1]!, bound: bound[2]! } : null,
      elements,
      inherits: text(table, 'inherits') ? [text(table, 'inherits')!] : [],
      partitionKey: text(table, 'partition key'),
      options: text(table, 'options') || null,
    });
    this.add(STAGE.createTable, ifNotExists(create));
    if (partitionOf !== null) {
      // A partition's columns come from its parent; its own constraints (not the parent's) are added after it.
      const parentConstraints = new Set(this.to.filter((object) => object.kind === 'constraint').map((object) => text(object, 'definition')));
      for (const constraint of this.membersOf(this.to, 'constraint', table.name)) {
        const definition = text(constraint, 'definition')!;
        if (parentConstraints.has(definition) && constraintKind(definition) !== 'check') continue;
        if (constraintKind(definition) !== 'foreign key') {
          this.add(STAGE.addConstraint, ddl.addConstraint(name, ident(memberName(constraint)), definition, ' '));
        }
      }
    }
    for (const sql of ddl.rowSecurity(name, p['row security'])) this.add(STAGE.alterTable, sql);
    if (text(table, 'comment') !== null) this.comment(STAGE.comment, 'TABLE', name, text(table, 'comment'));
    for (const column of this.columnsOf(table.name)) {
      if (text(column, 'comment') !== null) this.comment(STAGE.comment, 'COLUMN', `${name}.${ident(memberName(column))}`, text(column, 'comment'));
    }
  }

  private columns(): void {
    const { added, removed, changed } = this.changes('column');
    for (const column of removed) {
      if (!this.existing.has(relationOf(column))) continue;
      this.add(STAGE.dropColumn, `ALTER TABLE ${qualified(relationOf(column))} DROP COLUMN IF EXISTS ${ident(memberName(column))};`);
    }
    const order = this.options.columnOrder;
    if (order) added.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
    for (const column of added) {
      const table = relationOf(column);
      if (!this.existing.has(table)) continue;
      const name = qualified(table);
      const p = column.properties;
      const sql = `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS ${columnSql(column)};`;
      const fillsItself = p.default !== null || p.identity !== null || p.generated !== null;
      // Only a down file re-adds a column so (plan.ts splits the up side): it restores a column whose data is gone anyway.
      const broken = [
        ...(p['not null'] && !fillsItself ? ['not-null-needs-default'] : []),
        ...(this.options.direction === 'down' && rewritesTable(column) ? ['table-rewrite'] : []),
        ...(this.restoresStatusText(column) ? ['status-column-varchar'] : []),
      ];
      if (broken.length > 0) this.addDisabled(STAGE.alterColumn, broken.join(', '), sql);
      else this.add(STAGE.alterColumn, sql);
      if (text(column, 'comment') !== null) this.comment(STAGE.comment, 'COLUMN', `${name}.${ident(memberName(column))}`, text(column, 'comment'));
    }
    for (const [old, now] of changed) {
      if (this.existing.has(relationOf(now))) this.alterColumn(old, now);
    }
  }

  private alterColumn(old: CatalogObject, now: CatalogObject): void {
    const table = qualified(relationOf(now));
    const column = ident(memberName(now));
    const alter = `ALTER TABLE ${table} ALTER COLUMN ${column}`;
    const was = old.properties;
    const is = now.properties;
    if (was.generated !== is.generated) {
      if (is.generated === null) this.add(STAGE.alterColumn, `${alter} DROP EXPRESSION IF EXISTS;`);
      else this.manual(`column ${now.name}: its generation expression changes (${String(was.generated)} → ${String(is.generated)}); PostgreSQL cannot alter it: drop and add the column by hand`);
    }
    const defaultChanges = was.default !== is.default;
    if (defaultChanges && was.default !== null) this.add(STAGE.alterColumn, `${alter} DROP DEFAULT;`);
    if (was.type !== is.type || was.collation !== is.collation) {
      const collation = is.collation ? ` COLLATE ${ident(String(is.collation))}` : '';
      const using = assignable(String(was.type), String(is.type)) ? '' : ` USING ${column}::${is.type}`;
      const sql = `${alter} TYPE ${is.type}${collation}${using};`;
      // An up file that rewrites the table gets lint's finding; a down file restores the old type, whatever it costs.
      if (this.options.direction === 'down') this.addDisabled(STAGE.alterColumn, 'table-rewrite', sql);
      else this.add(STAGE.alterColumn, sql);
    }
    if (defaultChanges && is.default !== null) this.add(STAGE.alterColumn, `${alter} SET DEFAULT ${is.default};`);
    if (was.identity !== is.identity) {
      const kind = is.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT';
      if (was.identity === null) this.add(STAGE.alterColumn, `${alter} ADD GENERATED ${kind} AS IDENTITY;`);
      else if (is.identity === null) this.add(STAGE.alterColumn, `${alter} DROP IDENTITY IF EXISTS;`);
      else this.add(STAGE.alterColumn, `${alter} SET GENERATED ${kind};`);
    }
    if (was['not null'] !== is['not null'] && is.identity === null) {
      if (!is['not null']) this.add(STAGE.alterColumn, `${alter} DROP NOT NULL;`);
      else this.setNotNull(now, alter);
    }
    if (was.comment !== is.comment) this.comment(STAGE.comment, 'COLUMN', `${table}.${column}`, text(now, 'comment'));
  }

  /** SET NOT NULL after VALIDATE of a `CHECK (col IS NOT NULL)` of `from`, which spares its scan; else a scan, said so. */
  private setNotNull(column: CatalogObject, alter: string): void {
    const table = relationOf(column);
    const check = this.membersOf(this.from, 'constraint', table).find((constraint) => notNullCheckColumn(text(constraint, 'definition')!) === memberName(column));
    if (!check) {
      this.addDisabled(STAGE.setNotNull, 'set-not-null-scan', `${alter} SET NOT NULL;`);
      return;
    }
    if (text(check, 'definition')!.endsWith(NOT_VALID)) {
      this.add(STAGE.validate, `ALTER TABLE ${qualified(table)} VALIDATE CONSTRAINT ${ident(memberName(check))};`);
    }
    this.add(STAGE.setNotNull, `${alter} SET NOT NULL;`);
  }

  /** Whether a column of `relation` turns NOT NULL in this file. */
  private turnsNotNull(relation: string, column: string): boolean {
    const key = `column ${relation}.${column}`;
    return this.before.get(key)?.properties['not null'] === false && this.after.get(key)?.properties['not null'] === true;
  }

  // Constraints

  private constraints(): void {
    const { added, removed, changed } = this.changes('constraint');
    const drops = [...removed, ...changed.map(([old]) => old)];
    const adds = [...added, ...changed.map(([, now]) => now)];
    for (const [old, now] of changed) {
      if (text(old, 'definition') === `${text(now, 'definition')}${NOT_VALID}` && this.existing.has(relationOf(now))) {
        this.add(STAGE.validate, `ALTER TABLE ${qualified(relationOf(now))} VALIDATE CONSTRAINT ${ident(memberName(now))};`);
        drops.splice(drops.indexOf(old), 1);
        adds.splice(adds.indexOf(now), 1);
      }
    }
    for (const constraint of drops) {
      const table = relationOf(constraint);
      if (!this.existing.has(table)) continue;
      const definition = text(constraint, 'definition')!;
      const notNullOf = notNullCheckColumn(definition);
      const stage =
        notNullOf !== null && this.turnsNotNull(table, notNullOf)
          ? STAGE.dropNotNullCheck
          : constraintKind(definition) === 'foreign key'
            ? STAGE.dropForeignKey
            : STAGE.dropConstraint;
      this.add(stage, `ALTER TABLE ${qualified(table)} DROP CONSTRAINT IF EXISTS ${ident(memberName(constraint))};`);
    }
    for (const constraint of adds) {
      const definition = text(constraint, 'definition')!;
      if (this.existing.has(relationOf(constraint))) this.addToExistingTable(constraint, constraintKind(definition), definition);
    }
    // A table created in this file has all but its foreign keys and UNIQUE constraints in CREATE TABLE (see createTable).
    for (const constraint of this.to) {
      if (constraint.kind !== 'constraint' || !this.createdRelations.has(relationOf(constraint))) continue;
      const table = this.after.get(`table ${relationOf(constraint)}`);
      if (table?.properties['partition of']) continue;
      const definition = text(constraint, 'definition')!;
      const kind = constraintKind(definition);
      if (kind === 'foreign key' || kind === 'unique') {
        const stage = kind === 'foreign key' ? STAGE.addForeignKey : STAGE.addConstraint;
        this.add(stage, ddl.addConstraint(qualified(relationOf(constraint)), ident(memberName(constraint)), definition, ' '));
      }
    }
  }

  private addToExistingTable(constraint: CatalogObject, kind: ConstraintKind, definition: string): void {
    const table = qualified(relationOf(constraint));
    const name = ident(memberName(constraint));
    const alter = `ALTER TABLE ${table}`;
    if (kind === 'foreign key' || kind === 'check') {
      const stage = kind === 'foreign key' ? STAGE.addForeignKey : STAGE.addConstraint;
      if (definition.endsWith(NOT_VALID)) {
        this.add(stage, ddl.addConstraint(table, name, definition, ' '));
        const column = notNullCheckColumn(definition);
        if (column !== null && this.options.direction === 'up') {
          this.add(stage, `-- Backfill before the migration that makes ${ident(column)} NOT NULL, e.g.:\n-- UPDATE ${table} SET ${ident(column)} = … WHERE ${ident(column)} IS NULL;`);
        }
        return;
      }
      this.add(stage, ddl.addConstraint(table, name, `${definition}${NOT_VALID}`, ' '));
      this.addDisabled(stage + 0.1, 'constraint-not-valid', `${alter} VALIDATE CONSTRAINT ${name};`);
      return;
    }
    const index = this.to.find((object) => object.kind === 'index' && object.parent === `constraint ${constraint.name}`);
    if ((kind === 'unique' || kind === 'primary key') && index && this.options.noTransaction) {
      const deferrable = /\)\s*((?:NOT )?DEFERRABLE.*)$/.exec(definition)?.[1];
      this.add(STAGE.addUniqueIndex, `${concurrently(text(index, 'definition')!)};`);
      this.add(
        STAGE.addConstraint,
        `${alter} ADD CONSTRAINT ${name} ${kind === 'unique' ? 'UNIQUE' : 'PRIMARY KEY'} USING INDEX ${ident(memberName(constraint))}${deferrable ? ` ${deferrable}` : ''};`,
      );
      return;
    }
    const rule = kind === 'exclusion' ? null : 'unique-needs-index';
    const sql = ddl.addConstraint(table, name, definition, ' ');
    if (rule) this.addDisabled(STAGE.addConstraint, rule, sql);
    else this.add(STAGE.addConstraint, sql);
  }

  // Indexes

  private indexes(): void {
    const { added, removed, changed } = this.changes('index');
    const own = (index: CatalogObject) => index.parent !== null && !index.parent.startsWith('constraint ');
    const droppedColumns = this.changes('column').removed;
    // DROP COLUMN drops the indexes on the column: a DROP INDEX (not CONCURRENTLY) before it would only lock the table.
    const goesWithColumn = (index: CatalogObject) =>
      droppedColumns.some((column) => relationOf(column) === relationOf(index) && mentions(text(index, 'definition') ?? '', memberName(column)));
    for (const index of [...removed, ...changed.filter(([old, now]) => !same(old, now, ['valid'])).map(([old]) => old)]) {
      if (!own(index) || !this.existing.has(relationOf(index)) || goesWithColumn(index)) continue;
      const keyword = this.options.noTransaction ? 'DROP INDEX CONCURRENTLY' : 'DROP INDEX';
      this.add(STAGE.dropIndex, `${keyword} IF EXISTS ${qualified(index.name)};`);
    }
    const onCreated = this.to.filter((index) => index.kind === 'index' && this.before.has(keyOf(index)) && this.createdRelations.has(relationOf(index)));
    for (const index of new Set([...added, ...changed.filter(([old, now]) => !same(old, now, ['valid'])).map(([, now]) => now), ...onCreated])) {
      if (!own(index)) continue;
      const definition = text(index, 'definition')!;
      const existing = this.existing.has(relationOf(index));
      // Lint cannot tell a materialized view created in this file from an old one; nothing reads a new one yet.
      if (!existing && index.parent?.startsWith('view ')) {
        this.addDisabled(STAGE.createViewIndex, 'require-concurrent-index', `${ifNotExists(definition)};`, 'the materialized view is created in this file: nothing reads it yet');
      } else if (!existing) this.add(STAGE.createIndex, `${ifNotExists(definition)};`);
      else if (this.options.noTransaction) this.add(index.parent?.startsWith('view ') ? STAGE.createViewIndex : STAGE.createIndex, `${concurrently(definition)};`);
      else this.addDisabled(STAGE.createIndex, 'require-concurrent-index', `${ifNotExists(definition)};`);
    }
  }

  // Functions and views: created together in the order their references need.

  private functionsAndViews(): void {
    const functions = this.changes('function');
    const recreatedViews = this.recreatedViews;
    const early: CatalogObject[] = [];
    const late: CatalogObject[] = [];
    for (const fn of functions.added) (isSqlFunction(fn) ? late : early).push(fn);
    for (const fn of functions.removed) this.dropFunction(fn);
    for (const [old, now] of functions.changed) {
      if (!same(old, now, ['comment', 'privileges'])) {
        if (old.properties.returns !== now.properties.returns || old.properties.kind !== now.properties.kind) this.dropFunction(old);
        (isSqlFunction(now) ? late : early).push(now);
      } else if (old.properties.comment !== now.properties.comment) {
        this.comment(STAGE.comment, functionKeyword(now), functionSignature(now.name), text(now, 'comment'));
      }
      this.privilegesDiffer(old, now);
    }
    for (const fn of early) this.createFunction(fn, STAGE.createFunction);

    const viewsBefore = this.from.filter((object) => object.kind === 'view');
    const viewsAfter = this.to.filter((object) => object.kind === 'view');
    const dropped = viewsBefore.filter((view) => recreatedViews.has(view.name) || !this.after.has(keyOf(view)));
    for (const view of dependenciesFirst(dropped).reverse()) {
      const keyword = view.properties.kind === 'materialized view' ? 'MATERIALIZED VIEW' : 'VIEW';
      this.add(STAGE.dropView, `DROP ${keyword} IF EXISTS ${qualified(view.name)};`);
    }
    const created = viewsAfter.filter((view) => recreatedViews.has(view.name) || !this.before.has(keyOf(view)));
    for (const object of dependenciesFirst([...created, ...late])) {
      if (object.kind === 'function') this.createFunction(object, STAGE.createViewOrSqlFunction);
      else this.createView(object);
    }
    for (const view of viewsAfter) {
      const old = this.before.get(keyOf(view));
      if (!old || recreatedViews.has(view.name)) continue;
      if (old.properties.comment !== view.properties.comment) this.comment(STAGE.comment, ddl.viewKeyword(view.properties.kind), qualified(view.name), text(view, 'comment'));
      this.privilegesDiffer(old, view);
    }
  }

  /**
   * Views whose definition changes, and the views that read a relation whose
   * columns change, a function that is dropped, or a view re-created for that:
   * all are dropped and created again (a view pins what it reads).
   */
  private viewsToRecreate(droppedFunctions: readonly CatalogObject[]): Set<string> {
    const recreate = new Set<string>();
    const touched = new Set<string>();
    for (const view of this.to) {
      if (view.kind !== 'view') continue;
      const old = this.before.get(keyOf(view));
      if (old && !same(old, view, ['comment', 'privileges'])) recreate.add(view.name);
    }
    for (const [key, old] of this.before) {
      if (old.kind !== 'column') continue;
      const now = this.after.get(key);
      if (!now || now.properties.type !== old.properties.type || now.properties.collation !== old.properties.collation) touched.add(relationOf(old));
    }
    for (const relation of this.droppedRelations) touched.add(relation);
    for (const column of this.from) {
      if (column.kind === 'column' && enumOfColumn(String(column.properties.type), this.recreatedEnums) !== null) touched.add(relationOf(column));
    }
    const names = [...touched, ...recreate].map(localName);
    for (const fn of droppedFunctions) names.push(fn.name.slice(fn.name.indexOf('.') + 1, fn.name.indexOf('(')));
    const views = this.from.filter((object) => object.kind === 'view' && this.after.has(keyOf(object)));
    let grew = true;
    while (grew) {
      grew = false;
      for (const view of views) {
        if (recreate.has(view.name) || !names.some((name) => mentions(text(view, 'definition') ?? '', name))) continue;
        recreate.add(view.name);
        names.push(localName(view.name));
        grew = true;
      }
    }
    return recreate;
  }

  private createView(view: CatalogObject): void {
    const name = qualified(view.name);
    this.add(STAGE.createViewOrSqlFunction, ifNotExists(ddl.createView(name, view.properties)).replace(/^CREATE VIEW /, 'CREATE OR REPLACE VIEW '));
    if (text(view, 'comment') !== null) this.comment(STAGE.comment, ddl.viewKeyword(view.properties.kind), name, text(view, 'comment'));
  }

  private createFunction(fn: CatalogObject, stage: number): void {
    const definition = text(fn, 'definition') ?? '';
    if (fn.properties.kind === 'aggregate' || !definition.startsWith('CREATE')) {
      this.manual(`aggregate ${fn.name} is not drafted: create it by hand`);
      return;
    }
    this.add(stage, ddl.createFunction(definition));
    if (text(fn, 'comment') !== null) this.comment(STAGE.comment, functionKeyword(fn), functionSignature(fn.name), text(fn, 'comment'));
  }

  private dropFunction(fn: CatalogObject): void {
    this.add(STAGE.dropFunction, `DROP ${functionKeyword(fn)} IF EXISTS ${functionSignature(fn.name)};`);
  }

  // Triggers and policies

  private triggers(): void {
    const { added, removed, changed } = this.changes('trigger');
    const drop = (trigger: CatalogObject) => {
      if (this.existing.has(relationOf(trigger))) {
        this.add(STAGE.dropTrigger, `DROP TRIGGER IF EXISTS ${ident(memberName(trigger))} ON ${qualified(relationOf(trigger))};`);
      }
    };
    const create = (trigger: CatalogObject) => {
      const statements = ddl.createTrigger(text(trigger, 'definition')!, qualified(relationOf(trigger)), ident(memberName(trigger)), trigger.properties.enabled);
      for (const sql of statements) this.add(STAGE.createTrigger, sql);
    };
    // PostgreSQL cannot change the type of a column a trigger's WHEN reads: such a trigger is dropped and created again.
    const retyped = this.changes('column').changed.filter(([old, now]) => old.properties.type !== now.properties.type).map(([, now]) => now);
    const readsRetyped = this.to.filter(
      (trigger) =>
        trigger.kind === 'trigger' &&
        this.before.has(keyOf(trigger)) &&
        retyped.some((column) => relationOf(column) === relationOf(trigger) && mentions(text(trigger, 'definition') ?? '', memberName(column))),
    );
    for (const trigger of new Set([...removed, ...changed.map(([old]) => old), ...readsRetyped])) drop(trigger);
    // A relation created (or created again) in this file gets all its triggers.
    const onCreated = this.to.filter((trigger) => trigger.kind === 'trigger' && this.before.has(keyOf(trigger)) && this.createdRelations.has(relationOf(trigger)));
    for (const trigger of new Set([...added, ...changed.map(([, now]) => now), ...onCreated, ...readsRetyped])) create(trigger);
  }

  private policies(): void {
    const { added, removed, changed } = this.changes('policy');
    const drop = (policy: CatalogObject) => {
      if (this.existing.has(relationOf(policy))) this.add(STAGE.dropPolicy, `DROP POLICY IF EXISTS ${ident(memberName(policy))} ON ${qualified(relationOf(policy))};`);
    };
    const create = (policy: CatalogObject) => {
      const p = policy.properties;
      const roles = (text(policy, 'roles') ?? 'public').split(', ').map((role) => (role === 'public' ? 'PUBLIC' : ident(role)));
      const sql = ddl.createPolicy(ident(memberName(policy)), {
        table: qualified(relationOf(policy)),
        permissive: p.permissive,
        command: p.command,
        roles,
        using: p.using,
        withCheck: p['with check'],
      });
      this.add(STAGE.createPolicy, sql);
    };
    for (const policy of [...removed, ...changed.map(([old]) => old)]) drop(policy);
    const onCreated = this.to.filter((policy) => policy.kind === 'policy' && this.before.has(keyOf(policy)) && this.createdRelations.has(relationOf(policy)));
    for (const policy of new Set([...added, ...changed.map(([, now]) => now), ...onCreated])) create(policy);
  }

  /** An object of one kind dropped and another of that kind added in the same place may be a rename. */
  private renames(): void {
    for (const kind of ['table', 'column', 'view', 'index', 'constraint', 'function', 'type', 'sequence', 'trigger'] as const) {
      const added = this.to.filter((object) => object.kind === kind && !this.before.has(keyOf(object)));
      const removed = this.from.filter((object) => object.kind === kind && !this.after.has(keyOf(object)));
      const paired = new Set<CatalogObject>();
      for (const gone of removed) {
        // One hint per object: the first unpaired addition in the same place (of the same type, for a column).
        const candidate = added.find((object) => !paired.has(object) && object.parent === gone.parent && (kind !== 'column' || object.properties.type === gone.properties.type));
        if (!candidate) continue;
        paired.add(candidate);
        this.notes.push({
          kind: 'rename',
          message:
            `${kind} ${gone.name} is dropped and ${kind} ${candidate.name} is added: if it is a rename, replace both with ` +
            `${renameHint(kind, gone, candidate)} (a drop loses ${kind === 'table' || kind === 'column' ? 'its data' : 'it'})`,
        });
      }
    }
  }
}

function renameHint(kind: string, gone: CatalogObject, added: CatalogObject): string {
  if (kind === 'column') return `ALTER TABLE ${qualified(relationOf(gone))} RENAME COLUMN ${ident(memberName(gone))} TO ${ident(memberName(added))}`;
  if (kind === 'constraint') return `ALTER TABLE ${qualified(relationOf(gone))} RENAME CONSTRAINT ${ident(memberName(gone))} TO ${ident(memberName(added))}`;
  if (kind === 'trigger') return `ALTER TRIGGER ${ident(memberName(gone))} ON ${qualified(relationOf(gone))} RENAME TO ${ident(memberName(added))}`;
  if (kind === 'function') return `ALTER FUNCTION ${functionSignature(gone.name)} RENAME TO …`;
  const keyword = { table: 'TABLE', view: 'VIEW', index: 'INDEX', type: 'TYPE', sequence: 'SEQUENCE' }[kind] ?? kind.toUpperCase();
  return `ALTER ${keyword} ${qualified(gone.name)} RENAME TO ${ident(localName(added.name))}`;
}

function changedProperties(old: CatalogObject, now: CatalogObject): string[] {
  const keys = new Set([...Object.keys(old.properties), ...Object.keys(now.properties)]);
  return [...keys].filter((key) => key !== 'comment' && old.properties[key] !== now.properties[key]);
}

const TYPE_FAMILIES = [
  ['text', 'character varying', 'character', 'name', 'citext'],
  ['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision'],
  ['timestamp without time zone', 'timestamp with time zone', 'date'],
  ['time without time zone', 'time with time zone'],
  ['bit', 'bit varying'],
];

/**
 * Whether PostgreSQL converts the old type to the new one without a USING
 * clause (an assignment cast): within one family (a varchar made longer,
 * integer to bigint, timestamp to timestamptz). A needless USING would also
 * hide from lint (table-rewrite) that a longer varchar needs no rewrite.
 */
function assignable(from: string, to: string): boolean {
  const base = (type: string) => type.replace(/\(.*\)/, '').replace(/\[\]$/, '').trim();
  if (from.endsWith('[]') !== to.endsWith('[]')) return false;
  return base(from) === base(to) || TYPE_FAMILIES.some((family) => family.includes(base(from)) && family.includes(base(to)));
}

/** Adding it rewrites the table: a volatile DEFAULT (a sequence, a random value), an identity, a stored generated column. */
function rewritesTable(column: CatalogObject): boolean {
  const p = column.properties;
  return p.identity !== null || p.generated !== null || /\b(nextval|random|gen_random_uuid|uuid_generate_v4|clock_timestamp|timeofday)\(/.test(String(p.default ?? ''));
}

function columnSql(column: CatalogObject): string {
  const collation = column.properties.collation;
  return ddl.columnDefinition(ident(memberName(column)), column.properties, collation ? ident(String(collation)) : null);
}

/** The CREATE statement of an index, table, sequence, schema, extension or materialized view, made safe to run twice. */
function ifNotExists(sql: string): string {
  return sql.replace(/^CREATE (UNIQUE INDEX|INDEX|(?:UNLOGGED |FOREIGN )?TABLE|SEQUENCE|SCHEMA|EXTENSION|MATERIALIZED VIEW) /, 'CREATE $1 IF NOT EXISTS ');
}

function concurrently(definition: string): string {
  return definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY IF NOT EXISTS ');
}

/** `users.id` or `other.users.id` (a regclass and a column) with the column quoted. */
function ownedBy(owner: string): string {
  const dot = owner.lastIndexOf('.');
  return `${owner.slice(0, dot)}.${ident(owner.slice(dot + 1))}`;
}

/** The recreated enum (by snapshot name) a column type names (`status`, `public.status[]`, `"Status"`), or null. */
function enumOfColumn(type: string, enums: ReadonlySet<string>): string | null {
  const bare = type.replace(/\[\]$/, '');
  for (const name of enums) {
    const local = name.slice(name.indexOf('.') + 1);
    if (bare === ident(local) || bare === qualified(name)) return name;
  }
  return null;
}


function localName(name: string): string {
  return name.slice(name.indexOf('.') + 1);
}


function isSqlFunction(fn: CatalogObject): boolean {
  return /\bLANGUAGE sql\b/i.test(text(fn, 'definition') ?? '');
}

function functionKeyword(fn: CatalogObject): string {
  return fn.properties.kind === 'procedure' ? 'PROCEDURE' : fn.properties.kind === 'aggregate' ? 'AGGREGATE' : 'FUNCTION';
}

/** Sorted so that an object comes after every object it mentions (views and SQL functions), by name otherwise. */
function dependenciesFirst(objects: readonly CatalogObject[]): CatalogObject[] {
  const nameOf = (object: CatalogObject) =>
    object.kind === 'function' ? object.name.slice(object.name.indexOf('.') + 1, object.name.indexOf('(')) : localName(object.name);
  const sorted: CatalogObject[] = [];
  const visiting = new Set<CatalogObject>();
  const visit = (object: CatalogObject) => {
    if (sorted.includes(object) || visiting.has(object)) return;
    visiting.add(object);
    const definition = text(object, 'definition') ?? '';
    for (const other of objects) if (other !== object && mentions(definition, nameOf(other))) visit(other);
    sorted.push(object);
  };
  for (const object of objects) visit(object);
  return sorted;
}

/** Tables referenced by foreign keys or partitioned/inherited from come first. */
function parentsFirst(tables: readonly CatalogObject[], snapshot: CatalogSnapshot): CatalogObject[] {
  const parents = new Map<string, string[]>();
  for (const table of tables) {
    const own = [text(table, 'partition of')?.split(' ')[0], ...(text(table, 'inherits')?.split(', ') ?? [])].filter((name): name is string => !!name);
    parents.set(table.name, own.map(regclassName));
  }
  const sorted: CatalogObject[] = [];
  const visit = (table: CatalogObject, seen: Set<CatalogObject>) => {
    if (sorted.includes(table) || seen.has(table)) return;
    seen.add(table);
    for (const parent of parents.get(table.name) ?? []) {
      const found = tables.find((other) => other.name === parent);
      if (found) visit(found, seen);
    }
    sorted.push(table);
  };
  void snapshot;
  for (const table of tables) visit(table, new Set());
  return sorted;
}

/** Tables with foreign keys to other dropped tables, and partitions, are dropped before them. */
function childrenFirst(tables: readonly CatalogObject[], snapshot: CatalogSnapshot): CatalogObject[] {
  const names = new Set(tables.map((table) => table.name));
  const references = new Map<string, string[]>();
  for (const constraint of snapshot) {
    if (constraint.kind !== 'constraint') continue;
    const target = /REFERENCES ([^(]+)\(/.exec(text(constraint, 'definition') ?? '')?.[1];
    if (!target) continue;
    const child = relationOf(constraint);
    references.set(child, [...(references.get(child) ?? []), regclassName(target.trim())]);
  }
  const sorted: CatalogObject[] = [];
  // Parents are visited after every table that references them.
  const visit = (table: CatalogObject, seen: Set<CatalogObject>) => {
    if (sorted.includes(table) || seen.has(table)) return;
    seen.add(table);
    for (const other of tables) if (other !== table && (references.get(other.name) ?? []).includes(table.name) && names.has(other.name)) visit(other, seen);
    sorted.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return sorted;
}

/** `users` or `other."Users"` as regclass::text writes it, as a snapshot name (`public.users`, `other.Users`). */
function regclassName(text: string): string {
  const parts = text.match(/"(?:[^"]|"")*"|[^.]+/g) ?? [];
  const unquoted = parts.map((part) => (part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part));
  return unquoted.length === 1 ? `public.${unquoted[0]}` : unquoted.join('.');
}

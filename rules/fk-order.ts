import { CONSTRAINT_LABELS, couldBeGeneratedName } from '../src/lint/generated-names.js';
import { displayName, pointAt } from '../src/lint/helpers.js';
import type { LintFile, Rule } from '../src/lint/rule.js';
import { DEFAULT_SCHEMA, objectKey, type ObjectKey, type TableInfo } from '../src/lint/schema.js';
import type { ConstraintView, QualifiedName, Span, Statement } from '../src/parse/types.js';

const FKEY = CONSTRAINT_LABELS['foreign-key'];

/** Whether `statement` (or a DO block's body) creates table `key`. */
function creates(statement: Statement, key: ObjectKey): boolean {
  return (
    (statement.view.kind === 'create-table' && objectKey(statement.view.table) === key) ||
    (statement.view.kind === 'do-block' && statement.view.statements.some((embedded) => creates(embedded, key)))
  );
}

/** A reference to a table that did not exist yet: reported at the end, when it is known whether a later file creates it. */
interface DanglingReference {
  file: LintFile;
  span: Span;
  parent: string;
  key: ObjectKey;
  /** The first later up file that creates the table. */
  createdIn?: string;
}

const rule: Rule = {
  id: 'fk-order',
  defaultSeverity: 'error',
  description: 'a foreign key to a table not created earlier in the sequence, or a down file that drops a parent before its children',
  rationale:
    'SOP "parent tables first": a foreign key can only reference a table that already exists, so the ' +
    'migration creating the parent comes before the one creating the child, and a down file drops ' +
    'children before their parents (PostgreSQL refuses to drop a table other tables reference, unless ' +
    'CASCADE). The rule follows the whole sequence: a referenced table must be created by an earlier ' +
    'migration or an earlier statement of the same file (or be the table itself); `users` and ' +
    '`public.users` are the same table. Tables made outside the migrations (by an extension, another ' +
    'service or the platform, e.g. `auth.users`) are listed in `lint.knownTables`.',
  examples: {
    bad: [
      {
        name: '0001_create_orders.up.sql',
        sql: 'CREATE TABLE IF NOT EXISTS orders (\n  id bigint PRIMARY KEY,\n  user_id bigint NOT NULL REFERENCES users (id)\n);',
        files: [{ name: '0002_create_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);' }],
        expect: [{ line: 3, column: 38, endColumn: 43, message: 'users' }],
      },
      {
        name: '0002_create_orders.down.sql',
        sql: 'DROP TABLE IF EXISTS users;\nDROP TABLE IF EXISTS orders;',
        files: [
          {
            name: '0002_create_orders.up.sql',
            sql:
              'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n' +
              'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
          },
        ],
        expect: [{ line: 1, column: 1, message: 'orders' }],
      },
    ],
    good: [
      {
        name: '0002_create_orders.up.sql',
        sql:
          'CREATE TABLE IF NOT EXISTS orders (\n' +
          '  id bigint PRIMARY KEY,\n' +
          '  user_id bigint NOT NULL REFERENCES public.users (id),\n' +
          '  parent_id bigint REFERENCES orders (id),\n' +
          '  owner_id uuid REFERENCES auth.users (id)\n' +
          ');',
        config: { knownTables: ['auth.users'] },
        files: [{ name: '0001_create_users.up.sql', sql: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);' }],
      },
      {
        name: '0002_create_orders.down.sql',
        sql: 'DROP TABLE IF EXISTS orders;\nDROP TABLE IF EXISTS users;',
        files: [
          {
            name: '0002_create_orders.up.sql',
            sql:
              'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n' +
              'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
          },
        ],
      },
    ],
  },
  check(context) {
    /** Foreign keys this down file dropped by PostgreSQL's generated name (the schema model only tracks named ones): `child key:columns`. */
    const droppedUnnamed = new Set<string>();
    const unnamedKey = (table: ObjectKey, columns: readonly string[]) => `${table}:${columns.join(',')}`;

    const { dangling, references } = context.walkState(() => ({
      /** References already reported as dangling (`child>parent`): dropping that parent later is the same mistake, reported once. */
      dangling: new Set<string>(),
      /** The references to tables not created yet, in the order found. */
      references: [] as DanglingReference[],
    }));
    /** Whether some reference still waits for a later file to create its table. */
    const waiting = () => references.some((reference) => reference.createdIn === undefined);
    const edge = (child: ObjectKey, parent: ObjectKey) => `${child}>${parent}`;

    const checkReference = (constraint: ConstraintView, self: QualifiedName, statement: Statement, file: LintFile) => {
      const parent = constraint.references?.table;
      if (!parent || objectKey(parent) === objectKey(self) || context.schema.hasTable(parent)) return;
      dangling.add(edge(objectKey(self), objectKey(parent)));
      references.push({ file, span: pointAt(parent.span, statement), parent: displayName(parent), key: objectKey(parent) });
    };

    /** The children still referencing `parent` (not dropped in the same statement, foreign keys not dropped). */
    const children = (parent: QualifiedName, dropping: ReadonlySet<ObjectKey>): TableInfo[] =>
      context.schema
        .referencingTables(parent)
        .filter(
          (child) =>
            !dropping.has(child.key) &&
            !dangling.has(edge(child.key, objectKey(parent))) &&
            child.foreignKeys.some(
              (fk) => fk.references === objectKey(parent) && (fk.name !== undefined || !droppedUnnamed.has(unnamedKey(child.key, fk.columns))),
            ),
        );

    return {
      fileStart(file) {
        droppedUnnamed.clear();
        if (file.direction !== 'up' || !waiting()) return;
        for (const reference of references) {
          if (reference.createdIn === undefined && file.statements.some((statement) => creates(statement, reference.key))) {
            reference.createdIn = file.fileName;
          }
        }
      },
      sequenceEnd() {
        for (const { file, span, parent, createdIn } of references) {
          context.report({
            file,
            span,
            message: createdIn
              ? `${parent} is referenced here but only created later, in ${createdIn}`
              : `${parent} is referenced here but no earlier migration creates it`,
            hint: createdIn
              ? `create ${parent} first: parent tables come before the tables that reference them`
              : `create ${parent} in an earlier migration, or list it in lint.knownTables (.migraterc.json) if it is made outside the migrations`,
          });
        }
      },
      statement(statement, file) {
        const view = statement.view;
        if (view.kind === 'create-table') {
          for (const column of view.columns) for (const constraint of column.constraints) checkReference(constraint, view.table, statement, file);
          for (const constraint of view.constraints) checkReference(constraint, view.table, statement, file);
        } else if (view.kind === 'alter-table') {
          for (const action of view.actions) {
            if (action.type === 'add-column') {
              for (const constraint of action.column.constraints) checkReference(constraint, view.table, statement, file);
            } else if (action.type === 'add-constraint') {
              checkReference(action.constraint, view.table, statement, file);
            } else if (action.type === 'drop-constraint' && file.direction === 'down') {
              const table = context.schema.table(view.table);
              for (const fk of table?.foreignKeys ?? []) {
                if (table && fk.name === undefined && couldBeGeneratedName(action.name, table.name, FKEY)) {
                  droppedUnnamed.add(unnamedKey(table.key, fk.columns));
                }
              }
            }
          }
        } else if (view.kind === 'drop' && file.direction === 'down' && !view.cascade && (view.objectType === 'table' || view.objectType === 'foreign-table')) {
          const dropping = new Set(view.objects.map((target) => objectKey(target.name)));
          for (const target of view.objects) {
            const blocking = children(target.name, dropping);
            if (blocking.length === 0) continue;
            const names = blocking.map((child) => displayName(child.schema === DEFAULT_SCHEMA ? { name: child.name } : child)).join(', ');
            context.report({
              span: pointAt(target.name.span, statement),
              message: `drops ${displayName(target.name)} while ${names} still ${blocking.length === 1 ? 'references' : 'reference'} it`,
              hint: `drop ${names} (or ${blocking.length === 1 ? 'its foreign key' : 'their foreign keys'}) first: children before parents`,
            });
          }
        }
      },
    };
  },
};

export default rule;

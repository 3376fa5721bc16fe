/**
 * Which tables a statement locks ACCESS EXCLUSIVE (the mode that blocks reads
 * and writes), after PostgreSQL's "Explicit Locking" and ALTER TABLE
 * documentation. Held until COMMIT, so a later statement of the same
 * transaction that wants the same lock on the same table blocks nobody new.
 * Only the forms whose mode is fixed are listed; anything else answers none,
 * so that a caller which skips a finding on the strength of this never skips
 * one wrongly.
 */
import type { AlterTableAction, StatementView } from '../parse/types.js';
import { objectKey, type ObjectKey } from './schema.js';

function alterTakesAccessExclusive(action: AlterTableAction): boolean {
  switch (action.type) {
    case 'add-column':
    case 'drop-column':
    case 'alter-column-type':
    case 'set-not-null':
    case 'drop-not-null':
    case 'set-default':
    case 'drop-default':
    case 'drop-constraint':
    case 'rename-column':
    case 'rename-constraint':
      return true;
    case 'add-constraint':
      // FOREIGN KEY takes SHARE ROW EXCLUSIVE; CHECK, UNIQUE, PRIMARY KEY and EXCLUDE take ACCESS EXCLUSIVE.
      return action.constraint.kind !== 'foreign-key' && action.constraint.kind !== 'not-null';
    default:
      return false;
  }
}

/** What the schema model knows before the statement, as far as locks need it. */
export interface LockLookups {
  /** The table of an index (DROP INDEX locks that table). */
  tableOfIndex(index: ObjectKey): ObjectKey | undefined;
  /** The table a foreign key `constraint` of `table` references (dropping it locks that table too). */
  referencedTable(table: ObjectKey, constraint: string): ObjectKey | undefined;
}

/** Keys of the tables `view` locks ACCESS EXCLUSIVE. */
export function accessExclusiveTables(view: StatementView, lookups: LockLookups): ObjectKey[] {
  switch (view.kind) {
    case 'alter-table': {
      if (view.objectType !== 'table' || !view.actions.some(alterTakesAccessExclusive)) return [];
      const table = objectKey(view.table);
      // Dropping a foreign key removes its triggers from the referenced table, under ACCESS EXCLUSIVE there too
      // (checked on PostgreSQL 15: ALTER TABLE c DROP CONSTRAINT c_pid_fkey locks p AccessExclusiveLock).
      const referenced = view.actions.flatMap((action) => (action.type === 'drop-constraint' ? (lookups.referencedTable(table, action.name) ?? []) : []));
      return [table, ...referenced];
    }
    case 'truncate':
      return view.tables.map((table) => objectKey(table));
    case 'drop':
      if (view.objectType === 'table') return view.objects.map((target) => objectKey(target.name));
      if (view.objectType !== 'index' || view.concurrently) return [];
      return view.objects.flatMap((target) => lookups.tableOfIndex(objectKey(target.name)) ?? []);
    case 'rename':
      // The table keeps its lock under its new name.
      return view.objectType === 'table' ? [objectKey(view.object), objectKey({ ...view.object, name: view.newName })] : [];
    default:
      return [];
  }
}

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

/**
 * Keys of the tables `view` locks ACCESS EXCLUSIVE. `tableOfIndex` gives the
 * table of an index the schema model knows (DROP INDEX locks that table).
 */
export function accessExclusiveTables(view: StatementView, tableOfIndex: (index: ObjectKey) => ObjectKey | undefined): ObjectKey[] {
  switch (view.kind) {
    case 'alter-table':
      return view.objectType === 'table' && view.actions.some(alterTakesAccessExclusive) ? [objectKey(view.table)] : [];
    case 'truncate':
      return view.tables.map((table) => objectKey(table));
    case 'drop':
      if (view.objectType === 'table') return view.objects.map((target) => objectKey(target.name));
      if (view.objectType !== 'index' || view.concurrently) return [];
      return view.objects.flatMap((target) => tableOfIndex(objectKey(target.name)) ?? []);
    case 'rename':
      // The table keeps its lock under its new name.
      return view.objectType === 'table' ? [objectKey(view.object), objectKey({ ...view.object, name: view.newName })] : [];
    default:
      return [];
  }
}

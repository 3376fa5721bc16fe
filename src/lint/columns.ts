/** The columns a statement defines, with their types: what the type style rules read. */
import type { Span, Statement, TypeRef } from '../parse/types.js';

export interface DefinedColumn {
  name: string;
  type: TypeRef;
  /** A PRIMARY KEY or FOREIGN KEY column (column or table constraint). */
  key: boolean;
  span: Span;
}

/** Columns of CREATE TABLE and ADD COLUMN, and the new types of ALTER COLUMN TYPE. */
export function definedColumns(statement: Statement): DefinedColumn[] {
  const view = statement.view;
  const columns: DefinedColumn[] = [];
  if (view.kind === 'create-table') {
    const keys = new Set(
      view.constraints.filter((constraint) => constraint.kind === 'primary-key' || constraint.kind === 'foreign-key').flatMap((constraint) => constraint.columns),
    );
    for (const column of view.columns) {
      if (!column.type) continue;
      const key = keys.has(column.name) || column.primaryKey || column.constraints.some((constraint) => constraint.kind === 'foreign-key');
      columns.push({ name: column.name, type: column.type, key, span: column.type.span });
    }
  } else if (view.kind === 'alter-table' && view.objectType === 'table') {
    for (const action of view.actions) {
      if (action.type === 'add-column' && action.column.type) {
        const { column } = action;
        const key = column.primaryKey || column.constraints.some((constraint) => constraint.kind === 'foreign-key');
        columns.push({ name: column.name, type: column.type!, key, span: column.type!.span });
      } else if (action.type === 'alter-column-type') {
        columns.push({ name: action.column, type: action.newType, key: false, span: action.newType.span });
      }
    }
  }
  return columns;
}

/** A type of pg_catalog named `names` (written bare or qualified), not an array. */
export function isBuiltin(type: TypeRef, names: readonly string[]): boolean {
  return (type.schema === undefined || type.schema === 'pg_catalog') && type.arrayDepth === 0 && names.includes(type.name);
}

/**
 * When PostgreSQL rewrites a table (every row copied to a new file under an
 * ACCESS EXCLUSIVE lock): the DDL semantics table-rewrite reports on, after
 * PostgreSQL's ALTER TABLE documentation ("Notes") and its binary-coercible casts.
 */
import type { ColumnView, FunctionName, TypeRef } from '../parse/types.js';

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/**
 * Why adding `column` to a table with rows rewrites it; undefined when it does not.
 * `isVolatile` says whether a function its DEFAULT calls, one the built-in list does not name, is VOLATILE.
 */
export function addColumnRewrite(column: ColumnView, isVolatile: (name: FunctionName) => boolean = () => false): string | undefined {
  if (column.generated === 'stored') return 'a stored generated column is computed for every existing row';
  if (column.identity) return 'an identity column draws a value for every existing row';
  if (builtin(column.type) && SERIAL_TYPES.has(column.type!.name)) return `a ${column.type!.name} column draws a value for every existing row`;
  if (column.volatileDefault) return `its DEFAULT calls ${column.volatileDefault}(), which is volatile, so it is evaluated for every existing row`;
  const declared = column.defaultCalls?.find(isVolatile);
  if (declared) {
    const name = declared.schema === undefined ? declared.name : `${declared.schema}.${declared.name}`;
    return `its DEFAULT calls ${name}(), which a migration created without IMMUTABLE or STABLE, so it is VOLATILE and evaluated for every existing row`;
  }
  return undefined;
}

/**
 * Whether changing a column's type from `from` to `to` rewrites the table:
 * `no` for binary-coercible changes (the same type, varchar/varbit widening,
 * varchar ↔ text, numeric precision widening at the same scale, time
 * precision widening, cidr → inet), `timezone` for timestamp ↔ timestamptz
 * (PostgreSQL 12+ skips the rewrite only when the session TimeZone is UTC),
 * `yes` otherwise (also with USING, and when the old type is unknown).
 */
export function typeChangeRewrite(from: TypeRef | undefined, to: TypeRef, using: boolean): 'no' | 'yes' | 'timezone' {
  if (!from || !builtin(from) || !builtin(to)) return sameType(from, to) ? 'no' : 'yes';
  if (sameType(from, to)) return 'no';
  if (using || from.arrayDepth !== to.arrayDepth) return 'yes';
  const a = from.name;
  const b = to.name;
  const length = (type: TypeRef) => (type.typmods.length === 0 ? Infinity : Number(type.typmods[0]));
  if ((a === 'varchar' || a === 'text') && (b === 'text' || (b === 'varchar' && (a === 'varchar' ? length(to) >= length(from) : to.typmods.length === 0)))) {
    return 'no';
  }
  if (a === 'varbit' && b === 'varbit' && length(to) >= length(from)) return 'no';
  if (a === 'numeric' && b === 'numeric') {
    if (to.typmods.length === 0) return 'no';
    const scale = (type: TypeRef) => Number(type.typmods[1] ?? 0);
    return from.typmods.length > 0 && scale(to) === scale(from) && length(to) >= length(from) ? 'no' : 'yes';
  }
  const timeLike = ['timestamp', 'timestamptz', 'time', 'timetz', 'interval'];
  if (a === b && timeLike.includes(a)) return to.typmods.length === 0 || length(to) >= length(from) ? 'no' : 'yes';
  if ((a === 'timestamp' && b === 'timestamptz') || (a === 'timestamptz' && b === 'timestamp')) {
    return to.typmods.length === 0 || length(to) >= length(from) ? 'timezone' : 'yes';
  }
  if (a === 'cidr' && b === 'inet') return 'no';
  return 'yes';
}

/** A type of pg_catalog (written bare or qualified). */
function builtin(type: TypeRef | undefined): boolean {
  return type !== undefined && (type.schema === undefined || type.schema === 'pg_catalog');
}

function sameType(from: TypeRef | undefined, to: TypeRef): boolean {
  if (!from) return false;
  return (
    (from.schema ?? 'pg_catalog') === (to.schema ?? 'pg_catalog') &&
    from.name === to.name &&
    from.arrayDepth === to.arrayDepth &&
    from.typmods.join() === to.typmods.join()
  );
}

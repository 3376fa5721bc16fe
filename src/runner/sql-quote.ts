import { ConfigError } from '../errors.js';

/** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1 bytes). */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * Double-quotes an identifier taken from configuration (schema, table). It is
 * validated first: a name PostgreSQL would truncate or cannot store is a
 * configuration error, never a silently different table.
 */
export function quoteIdentifier(name: string, what = 'identifier'): string {
  if (name.length === 0) throw new ConfigError(`the ${what} name is empty`);
  if (name.includes('\0')) throw new ConfigError(`the ${what} name contains a NUL character`);
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new ConfigError(`the ${what} name "${name}" is longer than ${MAX_IDENTIFIER_BYTES} bytes`, {
      hint: 'PostgreSQL would truncate it; choose a shorter name',
    });
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A string literal safe under any `standard_conforming_strings` setting:
 * quotes doubled, and backslashes doubled inside an E'' literal when present
 * (what libpq's PQescapeLiteral does).
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new TypeError('a SQL string literal cannot contain a NUL character');
  const quoted = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

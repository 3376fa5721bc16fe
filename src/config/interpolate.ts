import { ConfigError } from '../errors.js';
import type { JsonValue, ParsedJson } from './json-parse.js';
import { itemPath, memberPath } from './json-path.js';

export type Environment = Record<string, string | undefined>;

export interface InterpolatedJson {
  value: JsonValue;
  /** JSON path → the string as written, for values that interpolation changed (error messages quote both). */
  originals: Map<string, string>;
  /** JSON path → the variables it references without a default that were unset or empty. */
  unset: Map<string, string[]>;
}

/**
 * Replaces references in every string value of a parsed config (keys are left alone):
 *
 * - `${NAME}`: the variable's value; an unset variable gives '' and is
 *   recorded in `unset` (resolveConnection refuses a database URL that
 *   references one, so a missing variable never selects another database).
 * - `${NAME:-default}`: the default when NAME is unset or empty, as in the shell.
 * - `$${`: a literal `${` (as `$$` in docker compose). A `$` not followed by
 *   `{` needs no escape, so passwords with `$` can be written as they are.
 */
export function interpolateStrings(parsed: ParsedJson, env: Environment, file: string): InterpolatedJson {
  const originals = new Map<string, string>();
  const unset = new Map<string, string[]>();
  const walk = (value: JsonValue, path: string): JsonValue => {
    if (typeof value === 'string') {
      const missing: string[] = [];
      const result = interpolate(
        value,
        env,
        (message, hint) => {
          const position = parsed.locations.get(path)?.value;
          throw new ConfigError(`${path || 'value'}: ${message}`, { location: { file, ...position }, hint });
        },
        (name) => missing.push(name),
      );
      if (result !== value) originals.set(path, value);
      if (missing.length > 0) unset.set(path, missing);
      return result;
    }
    if (Array.isArray(value)) return value.map((item, index) => walk(item, itemPath(path, index)));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, memberPath(path, key))]));
    }
    return value;
  };
  return { value: walk(parsed.value, ''), originals, unset };
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const BODY = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
const SYNTAX_HINT = 'write ${NAME} or ${NAME:-default}; $${ stands for a literal ${';

/** Never quotes the whole value in an error: it may hold a password. */
export function interpolate(
  text: string,
  env: Environment,
  fail: (message: string, hint: string) => never,
  onUnset: (name: string) => void = () => {},
): string {
  return text.replace(REFERENCE, (match, body: string | undefined) => {
    if (match === '$${') return '${';
    if (body === undefined) return fail('unterminated "${": it needs a closing "}"', SYNTAX_HINT);
    const parts = BODY.exec(body);
    if (!parts) return fail(`invalid variable reference "${match}"`, SYNTAX_HINT);
    const [, name, fallback] = parts;
    if (fallback?.includes('${')) return fail(`nested reference in "${match}}" is not supported`, SYNTAX_HINT);
    const value = env[name!] ?? '';
    if (value !== '') return value;
    if (fallback !== undefined) return fallback;
    onUnset(name!);
    return value;
  });
}

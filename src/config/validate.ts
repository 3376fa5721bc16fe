import { ConfigError } from '../errors.js';
import { closestMatch } from './closest.js';
import type { InterpolatedJson } from './interpolate.js';
import type { JsonValue, ParsedJson } from './json-parse.js';
import { itemPath, memberPath } from './json-path.js';
import { IN_PLACE_LAYOUT_IDS } from '../migrations/layouts/types.js';
import type { FileConfig, RuleSetting } from './types.js';

/**
 * What each key of `.migraterc.json` accepts. schema.json says the same for
 * editors; test/config/schema.test.ts walks both and fails when they differ.
 */
export type FieldSpec =
  | { kind: 'text' }
  /** A schema or table name. */
  | { kind: 'identifier' }
  /** A PostgreSQL duration (`10s`), or null for no timeout. */
  | { kind: 'duration' }
  /** A number of seconds, 0 or more. */
  | { kind: 'seconds' }
  /** A migration version: a whole number, 0 or more. */
  | { kind: 'version' }
  /** How many times: a whole number, 0 or more. */
  | { kind: 'count' }
  /** A PostgreSQL version, `15` or `"15"` (`"15.4"`, `"9.6"`): kept as its major number. */
  | { kind: 'postgresVersion' }
  | { kind: 'textList' }
  /** One of a fixed list of names (`layout`). */
  | { kind: 'choice'; values: readonly string[] }
  /** Rule id → `off` | `warn` | `error` (rule ids are checked by the linter, which knows them). */
  | { kind: 'severities' }
  | { kind: 'object'; fields: Readonly<Record<string, FieldSpec>> }
  /** An object with names chosen by the user, each value of one shape (`environments`). */
  | { kind: 'entries'; of: FieldSpec };

/** Plain names as a person writes them (the runner quotes them anyway); PostgreSQL keeps 63 bytes of a name. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_$]*$/;
export const IDENTIFIER_MAX_LENGTH = 63;
/** What `SET lock_timeout` accepts, with a unit required: a bare number would silently mean milliseconds. */
export const DURATION_PATTERN = /^(0|[0-9]+(\.[0-9]+)?(us|ms|s|min|h|d))$/;
/** A major version, or major.minor (`"15.4"`, `"9.6"`). */
export const POSTGRES_VERSION_PATTERN = /^[0-9]+(\.[0-9]+)?$/;
export const SEVERITIES: readonly RuleSetting[] = ['off', 'warn', 'error'];

const connectionFields = {
  databaseUrl: { kind: 'text' },
  schema: { kind: 'identifier' },
  table: { kind: 'identifier' },
  lockTimeout: { kind: 'duration' },
  lockWait: { kind: 'seconds' },
  lockRetries: { kind: 'count' },
  connectTimeout: { kind: 'seconds' },
  runTimeout: { kind: 'seconds' },
  statementTimeout: { kind: 'duration' },
} as const satisfies Record<string, FieldSpec>;

export const configSpec: FieldSpec = {
  kind: 'object',
  fields: {
    $schema: { kind: 'text' },
    dir: { kind: 'text' },
    dumpSchema: { kind: 'text' },
    layout: { kind: 'choice', values: IN_PLACE_LAYOUT_IDS },
    ...connectionFields,
    lint: {
      kind: 'object',
      fields: {
        rules: { kind: 'severities' },
        knownTables: { kind: 'textList' },
        statusColumns: { kind: 'textList' },
        smallTableRows: { kind: 'count' },
        baseline: { kind: 'version' },
        postgresVersion: { kind: 'postgresVersion' },
      },
    },
    environments: { kind: 'entries', of: { kind: 'object', fields: connectionFields } },
  },
};

/** A parsed and interpolated config file: its values, where each one is, and what interpolation changed. */
export type ConfigDocument = ParsedJson & InterpolatedJson;

/**
 * Checks an interpolated config against configSpec and returns the keys it
 * sets, dropping empty strings (an empty value counts as unset). Every error
 * names the key's JSON path and points at its line and column.
 */
export function validateConfig(document: ConfigDocument, file: string): FileConfig {
  return new Validator(document, file).check(configSpec, document.value, '') as FileConfig;
}

class Validator {
  constructor(
    private readonly document: ConfigDocument,
    private readonly file: string,
  ) {}

  /** The checked value, or undefined when it counts as unset. */
  check(spec: FieldSpec, value: JsonValue, path: string): unknown {
    switch (spec.kind) {
      case 'object':
        return this.checkObject(spec.fields, value, path);
      case 'entries': {
        const entries = this.expectObject(value, path, 'an object');
        return Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, this.check(spec.of, entry, memberPath(path, name))]));
      }
      case 'text':
        return this.expectString(value, path, 'a string') || undefined;
      case 'identifier':
        return this.checkIdentifier(value, path);
      case 'duration':
        return this.checkDuration(value, path);
      case 'seconds':
        if (typeof value !== 'number') {
          const hint = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? `write ${value} without quotes` : undefined;
          this.fail(path, `must be a number of seconds, got ${this.describe(value, path)}`, hint);
        }
        if (value < 0) this.fail(path, `must be 0 or more seconds, got ${value}`);
        // JSON's 1e999 reads as Infinity.
        if (!Number.isFinite(value)) this.fail(path, `must be a finite number of seconds, got ${value}`);
        return value;
      case 'version':
      case 'count':
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
          const hint = typeof value === 'string' && /^\d+$/.test(value) ? `write ${Number(value)} without quotes` : undefined;
          const what = spec.kind === 'version' ? 'a migration version' : 'a count';
          this.fail(path, `must be ${what} (a whole number, 0 or more), got ${this.describe(value, path)}`, hint);
        }
        return value;
      case 'postgresVersion':
        return this.checkPostgresVersion(value, path);
      case 'textList':
        return this.checkList(value, path);
      case 'severities':
        return this.checkSeverities(value, path);
      case 'choice':
        return this.checkChoice(spec.values, value, path);
    }
  }

  private checkObject(fields: Readonly<Record<string, FieldSpec>>, value: JsonValue, path: string): Record<string, unknown> {
    const object = this.expectObject(value, path, 'an object');
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(object)) {
      const keyPath = memberPath(path, key);
      const spec = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (spec === undefined) {
        const known = Object.keys(fields);
        const suggestion = closestMatch(key, known);
        const where = keyPath === key ? '' : ` at ${keyPath}`;
        throw new ConfigError(`unknown key "${key}"${where}`, {
          location: { file: this.file, ...this.document.locations.get(keyPath)?.key },
          hint: suggestion ? `did you mean "${suggestion}"?` : `the keys allowed here are ${known.map((name) => `"${name}"`).join(', ')}`,
        });
      }
      const checked = this.check(spec, item, keyPath);
      if (checked !== undefined) result[key] = checked;
    }
    return result;
  }

  private checkIdentifier(value: JsonValue, path: string): string | undefined {
    const name = this.expectString(value, path, 'a name');
    if (name === '') return undefined;
    const problem = identifierProblem(name);
    if (problem !== undefined) {
      const hint = name.includes('.')
        ? 'give the schema in "schema" and the bare table name in "table"'
        : `use ASCII letters, digits, "_" and "$", at most ${IDENTIFIER_MAX_LENGTH} characters; sqlmig quotes the name itself`;
      this.fail(path, `must be a plain name: ${this.describe(value, path)} ${problem}`, hint);
    }
    return name;
  }

  private checkDuration(value: JsonValue, path: string): string | null | undefined {
    if (value === null) return null;
    const text = this.expectString(value, path, 'a duration such as "10s" or null');
    if (text === '') return undefined;
    if (!DURATION_PATTERN.test(text)) {
      const hint = /^\d+(\.\d+)?$/.test(text)
        ? `add a unit, e.g. "${text}s" (PostgreSQL reads a bare number as milliseconds)`
        : 'units: us, ms, s, min, h, d; null means no timeout';
      this.fail(path, `must be a duration such as "10s", "500ms" or "1min", or null; got ${this.describe(value, path)}`, hint);
    }
    if (durationMs(text) > MAX_TIMEOUT_MS) {
      this.fail(path, `must be at most ${MAX_TIMEOUT_MS}ms (about 24 days), PostgreSQL's limit; got ${this.describe(value, path)}`, 'use "0" or null for no timeout');
    }
    return text;
  }

  private checkPostgresVersion(value: JsonValue, path: string): number | undefined {
    if (value === '') return undefined;
    const text = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
    const major = POSTGRES_VERSION_PATTERN.test(text) ? Math.floor(Number(text)) : NaN;
    if (!(major >= 9)) {
      this.fail(path, `must be a PostgreSQL version such as 15 or "15.4" (9 or later), got ${this.describe(value, path)}`);
    }
    return major;
  }

  private checkList(value: JsonValue, path: string): string[] {
    if (!Array.isArray(value)) {
      const hint = typeof value === 'string' ? `write [${JSON.stringify(value)}]` : undefined;
      this.fail(path, `must be an array of strings, got ${this.describe(value, path)}`, hint);
    }
    return value
      .map((item, index) => this.expectString(item, itemPath(path, index), 'a string'))
      .filter((item) => item !== '');
  }

  private checkChoice(values: readonly string[], value: JsonValue, path: string): string | undefined {
    if (value === '') return undefined;
    if (typeof value === 'string' && values.includes(value)) return value;
    const suggestion = typeof value === 'string' ? closestMatch(value, values) : undefined;
    this.fail(path, `must be one of ${values.map((item) => `"${item}"`).join(', ')}, got ${this.describe(value, path)}`, suggestion && `did you mean "${suggestion}"?`);
  }

  private checkSeverities(value: JsonValue, path: string): Record<string, RuleSetting> {
    const rules = this.expectObject(value, path, 'an object of rule ids and "off", "warn" or "error"');
    const result: Record<string, RuleSetting> = {};
    for (const [rule, setting] of Object.entries(rules)) {
      const rulePath = memberPath(path, rule);
      if (setting === '') continue;
      if (typeof setting === 'string' && (SEVERITIES as readonly string[]).includes(setting)) {
        result[rule] = setting as RuleSetting;
        continue;
      }
      const suggestion =
        typeof setting === 'string'
          ? closestMatch(setting, SEVERITIES)
          : typeof setting === 'number' && Number.isInteger(setting)
            ? SEVERITIES[setting]
            : undefined;
      this.fail(rulePath, `must be "off", "warn" or "error", got ${this.describe(setting, rulePath)}`, suggestion && `did you mean "${suggestion}"?`);
    }
    return result;
  }

  private expectObject(value: JsonValue, path: string, expected: string): { [key: string]: JsonValue } {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, `must be ${expected}, got ${this.describe(value, path)}`);
    return value;
  }

  private expectString(value: JsonValue, path: string, expected: string): string {
    if (typeof value !== 'string') this.fail(path, `must be ${expected}, got ${this.describe(value, path)}`);
    return value;
  }

  /**
   * How a value is quoted in a message. Strings are quoted (with what was
   * written, when interpolation changed them) only for keys whose values are
   * never secret: `databaseUrl` is validated by type alone.
   */
  private describe(value: JsonValue, path: string): string {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'object') return 'an object';
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const original = this.document.originals.get(path);
    return JSON.stringify(value) + (original === undefined ? '' : ` (from ${JSON.stringify(original)})`);
  }

  private fail(path: string, message: string, hint?: string): never {
    const subject = path === '' ? 'the configuration' : path;
    throw new ConfigError(`${subject} ${message}`, { location: { file: this.file, ...this.document.locations.get(path)?.value }, hint });
  }
}

/** lock_timeout and statement_timeout are int milliseconds on the server. */
const MAX_TIMEOUT_MS = 2_147_483_647;
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration DURATION_PATTERN accepts. */
function durationMs(text: string): number {
  const [, amount, unit] = /^([0-9.]+)([a-z]*)$/.exec(text)!;
  return Number(amount) * (unit ? UNIT_MS[unit]! : 1);
}

function identifierProblem(name: string): string | undefined {
  if (/["'`]/.test(name)) return 'contains a quote';
  if (/\s/.test(name)) return 'contains a space';
  if (name.includes(';')) return 'contains ";"';
  if (name.includes('.')) return 'contains "."';
  if (/^[0-9]/.test(name)) return 'starts with a digit';
  if (name.startsWith('$')) return 'starts with "$"';
  if (!IDENTIFIER_PATTERN.test(name)) return 'contains a character other than ASCII letters, digits, "_" and "$"';
  if (name.length > IDENTIFIER_MAX_LENGTH) return `is ${name.length} characters long (PostgreSQL keeps at most ${IDENTIFIER_MAX_LENGTH})`;
  return undefined;
}

import { ConfigError } from '../errors.js';
// The line index alone: config never loads the SQL parser.
import { LineIndex } from '../parse/line-index.js';
import { itemPath, memberPath } from './json-path.js';

/**
 * A strict JSON parser (RFC 8259, nothing more) that says where things are.
 * JSON.parse reports a character offset at best; a person editing
 * `.migraterc.json` needs the line and column of a trailing comma, a comment
 * or a missing quote, and validation needs to point at the offending key.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** 1-based. */
export interface Position {
  line: number;
  column: number;
}

export interface NodeLocation {
  /** Where the property name starts (object members only). */
  key?: Position;
  /** Where the value starts. */
  value: Position;
}

export interface ParsedJson {
  value: JsonValue;
  /** JSON path (see json-path.ts; the root is '') → location. */
  locations: Map<string, NodeLocation>;
}

export function parseJson(text: string, file: string): ParsedJson {
  return new Parser(text.startsWith('\uFEFF') ? text.slice(1) : text, file).parseDocument();
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_$][\w$]*/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  private offset = 0;
  private readonly lines: LineIndex;
  private readonly locations = new Map<string, NodeLocation>();

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.lines = new LineIndex(text);
  }

  parseDocument(): ParsedJson {
    this.skipWhitespace();
    if (this.offset === this.text.length) {
      throw new ConfigError(
        'the configuration file is empty',
        { location: { file: this.file }, hint: 'write `{}` to use the defaults, or run `sqlmig init`' },
        'CONFIG_SYNTAX',
      );
    }
    const value = this.parseValue('');
    this.skipWhitespace();
    if (this.offset < this.text.length) {
      this.fail(`unexpected ${this.describeNext()} after the end of the JSON value`, this.offset, 'a JSON file holds one value: remove what follows it');
    }
    return { value, locations: this.locations };
  }

  private parseValue(path: string, key?: Position): JsonValue {
    const start = this.offset;
    this.locations.set(path, { key, value: this.position(start) });
    const char = this.text[start];
    if (char === '{') return this.parseObject(path);
    if (char === '[') return this.parseArray(path);
    if (char === '"') return this.parseString();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.parseNumber();
    const word = this.matchAt(WORD);
    if (word === 'true') return this.advance(word, true);
    if (word === 'false') return this.advance(word, false);
    if (word === 'null') return this.advance(word, null);
    this.failUnexpected('expected a value (a string, number, object, array, true, false or null)');
  }

  private parseObject(path: string): JsonValue {
    const open = this.offset;
    this.offset++;
    const entries: Array<[string, JsonValue]> = [];
    const seen = new Map<string, Position>();
    this.skipWhitespace();
    if (this.text[this.offset] === '}') {
      this.offset++;
      return {};
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.offset] !== '"') {
        const word = this.matchAt(WORD);
        if (word !== undefined) {
          this.fail(`property names must be in double quotes: write "${word}"`, this.offset);
        }
        this.failUnexpected('expected a property name in double quotes', open);
      }
      const keyStart = this.offset;
      const keyPosition = this.position(keyStart);
      const key = this.parseString();
      const previous = seen.get(key);
      if (previous) {
        this.fail(
          `duplicate key "${key}" (first at line ${previous.line}, column ${previous.column})`,
          keyStart,
          'JSON keeps only one of them: remove the other',
        );
      }
      seen.set(key, keyPosition);
      this.skipWhitespace();
      if (this.text[this.offset] !== ':') this.failUnexpected(`expected ":" after the property name "${key}"`, open);
      this.offset++;
      this.skipWhitespace();
      entries.push([key, this.parseValue(memberPath(path, key), keyPosition)]);
      this.skipWhitespace();
      const next = this.text[this.offset];
      if (next === '}') {
        this.offset++;
        // fromEntries defines own properties, so a key named `__proto__` stays a plain key.
        return Object.fromEntries(entries);
      }
      if (next === ',') {
        this.rejectTrailingComma('}');
        continue;
      }
      if (next === '"') this.fail('missing "," between properties', this.offset, `add "," after the value of "${key}"`);
      this.failUnexpected('expected "," or "}" after a property value', open);
    }
  }

  private parseArray(path: string): JsonValue {
    const open = this.offset;
    this.offset++;
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.offset] === ']') {
      this.offset++;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.parseValue(itemPath(path, items.length)));
      this.skipWhitespace();
      const next = this.text[this.offset];
      if (next === ']') {
        this.offset++;
        return items;
      }
      if (next === ',') {
        this.rejectTrailingComma(']');
        continue;
      }
      this.failUnexpected('expected "," or "]" after an array item', open);
    }
  }

  /** At a comma: consumes it, and fails when the container closes right after it. */
  private rejectTrailingComma(close: '}' | ']'): void {
    const comma = this.offset;
    this.offset++;
    this.skipWhitespace();
    if (this.text[this.offset] === close) {
      this.fail('trailing comma: JSON does not allow a "," before "' + close + '"', comma, 'remove this ","');
    }
  }

  private parseString(): string {
    const open = this.offset;
    this.offset++;
    let result = '';
    for (;;) {
      const char = this.text[this.offset];
      if (char === undefined) {
        const start = this.position(open);
        this.fail(`unterminated string (it starts at line ${start.line}, column ${start.column})`, this.offset, 'close it with "');
      }
      if (char === '"') {
        this.offset++;
        return result;
      }
      if (char === '\n' || char === '\r') this.fail('unterminated string: a line break inside a string must be written \\n', this.offset);
      if (char < ' ') this.fail(`control character U+${char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} inside a string: escape it`, this.offset);
      if (char !== '\\') {
        result += char;
        this.offset++;
        continue;
      }
      const escape = this.text[this.offset + 1];
      if (escape === 'u') {
        const hex = this.text.slice(this.offset + 2, this.offset + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape: it takes four hexadecimal digits', this.offset);
        result += String.fromCharCode(Number.parseInt(hex, 16));
        this.offset += 6;
        continue;
      }
      const decoded = escape === undefined ? undefined : ESCAPES[escape];
      if (decoded === undefined) {
        this.fail(`invalid escape "\\${escape ?? ''}" in a string`, this.offset, 'write \\\\ for a backslash');
      }
      result += decoded;
      this.offset += 2;
    }
  }

  private parseNumber(): number {
    const start = this.offset;
    const literal = this.matchAt(NUMBER);
    const after = this.text[start + (literal?.length ?? 0)];
    if (literal === undefined || (after !== undefined && /[\w.]/.test(after))) {
      this.fail('invalid number', start, 'JSON numbers are decimal, with no leading zeros, "+" sign or trailing "."');
    }
    this.offset += literal.length;
    return Number(literal);
  }

  private skipWhitespace(): void {
    while (this.offset < this.text.length && ' \t\n\r'.includes(this.text[this.offset]!)) this.offset++;
  }

  private matchAt(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.offset;
    return pattern.exec(this.text)?.[0];
  }

  private advance<T>(word: string, value: T): T {
    this.offset += word.length;
    return value;
  }

  private describeNext(): string {
    const char = this.text[this.offset];
    if (char === undefined) return 'end of file';
    return JSON.stringify(this.matchAt(WORD) ?? char);
  }

  /**
   * Fails at the current offset, recognising the usual non-JSON habits
   * (comments, single quotes, JavaScript literals) to say what is wrong.
   * At the end of the file it names the container still open at `open`.
   */
  private failUnexpected(expected: string, open?: number): never {
    const rest = this.text.slice(this.offset);
    if (rest.startsWith('//') || rest.startsWith('/*')) {
      this.fail('comments are not allowed: the config file is plain JSON', this.offset, 'remove the comment');
    }
    if (rest.startsWith("'")) this.fail('strings must use double quotes (")', this.offset);
    if (rest === '' && open !== undefined) {
      const start = this.position(open);
      const kind = this.text[open] === '{' ? 'object' : 'array';
      this.fail(`unexpected end of file: the ${kind} opened at line ${start.line}, column ${start.column} is not closed`, this.offset);
    }
    const word = this.matchAt(WORD);
    const hint = word !== undefined && ['true', 'false', 'null'].includes(word.toLowerCase()) ? `write ${word.toLowerCase()} in lower case` : undefined;
    this.fail(`${expected}, found ${this.describeNext()}`, this.offset, hint);
  }

  private fail(message: string, offset: number, hint?: string): never {
    const { line, column } = this.position(offset);
    throw new ConfigError(message, { location: { file: this.file, line, column }, hint }, 'CONFIG_SYNTAX');
  }

  private position(offset: number): Position {
    return this.lines.position(offset);
  }
}

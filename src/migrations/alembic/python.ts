/**
 * Just enough of Python's lexical grammar to read an Alembic revision file without Python: names, string
 * literals (decoded as Python decodes them), operators, and logical lines with their indentation. Anything
 * else a file may hold is still tokenised (as names, numbers and operators), so the reader can say what it
 * found where it expected literal SQL.
 */

export type Token =
  | { kind: 'name'; text: string; line: number }
  | { kind: 'string'; text: string; line: number; /** Its decoded value; undefined for f-strings and bytes, which are not literal text. */ value: string | undefined }
  | { kind: 'number' | 'op'; text: string; line: number };

/** One logical line: its tokens, and the column of its first token (its indentation). */
export interface LogicalLine {
  indent: number;
  line: number;
  tokens: Token[];
}

export class PythonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);
const TWO_CHAR_OPS = new Set(['->', '**', '//', '==', '!=', '<=', '>=', ':=', '+=', '-=', '*=', '/=', '<<', '>>']);

export function logicalLines(source: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let current: LogicalLine | undefined;
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const push = (token: Token, column: number) => {
    current ??= { indent: column, line: token.line, tokens: [] };
    current.tokens.push(token);
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') {
      if (depth === 0 && current) {
        lines.push(current);
        current = undefined;
      }
      i++;
      line++;
      lineStart = i;
    } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f') {
      i++;
    } else if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (ch === '\\' && (source[i + 1] === '\n' || (source[i + 1] === '\r' && source[i + 2] === '\n'))) {
      // An explicit line joining: the logical line goes on.
      i += source[i + 1] === '\n' ? 2 : 3;
      line++;
      lineStart = i;
    } else {
      const column = i - lineStart;
      const stringStart = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(source.slice(i, i + 5));
      if (stringStart && (stringStart[1] === '' || /^[A-Za-z]/.test(ch))) {
        const { token, end, lines: spanned } = readString(source, i, stringStart[1]!, stringStart[2]!, line);
        push(token, column);
        i = end;
        line += spanned;
        if (spanned > 0) lineStart = source.lastIndexOf('\n', end - 1) + 1;
      } else if (/[A-Za-z_]/.test(ch)) {
        const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, i + 200))!;
        push({ kind: 'name', text: match[0], line }, column);
        i += match[0].length;
      } else if (/[0-9]/.test(ch)) {
        const match = /^[0-9][0-9A-Za-z_.]*/.exec(source.slice(i, i + 100))!;
        push({ kind: 'number', text: match[0], line }, column);
        i += match[0].length;
      } else {
        const two = source.slice(i, i + 2);
        const text = TWO_CHAR_OPS.has(two) ? two : ch;
        if (OPENERS.has(text)) depth++;
        if (CLOSERS.has(text)) depth = Math.max(0, depth - 1);
        push({ kind: 'op', text, line }, column);
        i += text.length;
      }
    }
  }
  if (current) lines.push(current);
  return lines;
}

function readString(source: string, start: number, prefix: string, quote: string, line: number): { token: Token; end: number; lines: number } {
  const flags = prefix.toLowerCase();
  const raw = flags.includes('r');
  let i = start + prefix.length + quote.length;
  let body = '';
  let spanned = 0;
  for (;;) {
    if (i >= source.length) throw new PythonSyntaxError('a string literal is not closed', line);
    if (source.startsWith(quote, i)) break;
    const ch = source[i]!;
    if (ch === '\n') {
      if (quote.length === 1) throw new PythonSyntaxError('a string literal is not closed on its line', line + spanned);
      spanned++;
    }
    if (ch === '\\' && i + 1 < source.length) {
      // Even in a raw string a backslash keeps the next character from ending the literal.
      if (source[i + 1] === '\n') spanned++;
      body += source.slice(i, i + 2);
      i += 2;
      continue;
    }
    body += ch;
    i++;
  }
  const text = source.slice(start, i + quote.length);
  const literal = !flags.includes('f') && !flags.includes('b');
  const value = literal ? (raw ? body.replace(/\r\n/g, '\n') : decodeEscapes(body.replace(/\r\n/g, '\n'), line)) : undefined;
  return { token: { kind: 'string', text, line, value }, end: i + quote.length, lines: spanned };
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/** Python's escape sequences in a non-raw string; an unknown one keeps its backslash, as Python does. */
function decodeEscapes(body: string, line: number): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|N\{[^}]*\}|[\s\S])/g, (whole, escape: string) => {
    if (escape in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[escape]!;
    if (/^[xuU]/.test(escape) && escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCodePoint(parseInt(escape, 8));
    if (escape.startsWith('N{')) throw new PythonSyntaxError(`the escape ${whole} (a Unicode character name) is not supported`, line);
    return whole;
  });
}

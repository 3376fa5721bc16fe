/**
 * A small SQL tokenizer for what libpg-query's tree does not say: where
 * comments are, where a clause or a type name ends. It runs only on ranges
 * PostgreSQL already parsed (one statement, or the gap between two), so it
 * needs PostgreSQL's lexical rules for strings, quoted identifiers,
 * dollar quotes and comments, and nothing else. libpg-query's own scanner is
 * exact but returns JSON per token, ~3× the cost of parsing; this is a loop
 * over char codes.
 */

export type TokenKind = 'comment' | 'word' | 'quoted-identifier' | 'string' | 'punctuation' | 'other';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
}

/** Space, \t, \n, \v, \f, \r: PostgreSQL's whitespace. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** ( ) , ; [ ] . : */
function isPunctuation(code: number): boolean {
  return code === 40 || code === 41 || code === 44 || code === 59 || code === 91 || code === 93 || code === 46 || code === 58;
}

function isWordStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 0x80;
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57) || code === 36;
}

/** The token at or after `pos` (whitespace skipped), or undefined when none starts before `end`. */
export function nextToken(text: string, pos: number, end: number): Token | undefined {
  let i = pos;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (i >= end) return undefined;
  const start = i;
  const code = text.charCodeAt(i);
  const next = i + 1 < end ? text.charCodeAt(i + 1) : 0;

  if (code === 45 /* - */ && next === 45) {
    const newline = text.indexOf('\n', i);
    return { kind: 'comment', start, end: newline === -1 || newline > end ? end : newline };
  }
  if (code === 47 /* / */ && next === 42 /* * */) {
    let depth = 1;
    i += 2;
    while (i < end && depth > 0) {
      if (text.startsWith('/*', i)) {
        depth++;
        i += 2;
      } else if (text.startsWith('*/', i)) {
        depth--;
        i += 2;
      } else i++;
    }
    return { kind: 'comment', start, end: Math.min(i, end) };
  }
  if (code === 39 /* ' */) return { kind: 'string', start, end: quotedEnd(text, i, end, 39, false) };
  if (code === 34 /* " */) return { kind: 'quoted-identifier', start, end: quotedEnd(text, i, end, 34, false) };
  if (code === 36 /* $ */) {
    const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i, Math.min(end, i + 64)));
    if (tag) {
      const close = text.indexOf(tag[0], i + tag[0].length);
      return { kind: 'string', start, end: close === -1 || close + tag[0].length > end ? end : close + tag[0].length };
    }
    i++;
    while (i < end && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    return { kind: 'other', start, end: i };
  }
  if (isWordStart(code)) {
    // E'…' takes backslash escapes; B'…', X'…', N'…' and U&'…' are plain strings.
    const upper = code & ~32;
    if (next === 39 && (upper === 69 || upper === 66 || upper === 88 || upper === 78) /* E B X N */) {
      return { kind: 'string', start, end: quotedEnd(text, i + 1, end, 39, upper === 69) };
    }
    if (upper === 85 /* U */ && next === 38 /* & */ && i + 2 < end) {
      const quote = text.charCodeAt(i + 2);
      if (quote === 39) return { kind: 'string', start, end: quotedEnd(text, i + 2, end, 39, false) };
      if (quote === 34) return { kind: 'quoted-identifier', start, end: quotedEnd(text, i + 2, end, 34, false) };
    }
    i++;
    while (i < end && isWordPart(text.charCodeAt(i))) i++;
    return { kind: 'word', start, end: i };
  }
  if (code >= 48 && code <= 57) {
    i++;
    while (i < end && (isWordPart(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
    return { kind: 'other', start, end: i };
  }
  if (isPunctuation(code)) return { kind: 'punctuation', start, end: i + 1 };
  return { kind: 'other', start, end: i + 1 };
}

/** End of a quoted token opened at `open` (doubled quotes escape; with `backslash`, so does `\`). */
function quotedEnd(text: string, open: number, end: number, quote: number, backslash: boolean): number {
  let i = open + 1;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (backslash && code === 92) i += 2;
    else if (code === quote) {
      if (i + 1 < end && text.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return end;
}

/** Every comment token in [start, end). */
export function commentTokens(text: string, start: number, end: number): Token[] {
  const comments: Token[] = [];
  // No comment starts after the last `--` or `/*`: lexing stops there (a view commented at the top is not lexed to its end).
  const range = text.slice(start, end);
  const last = start + Math.max(range.lastIndexOf('--'), range.lastIndexOf('/*'));
  for (let token = nextToken(text, start, end); token && token.start <= last; token = nextToken(text, token.end, end)) {
    if (token.kind === 'comment') comments.push(token);
  }
  return comments;
}

/** End of the last token in [start, end) that is not a comment; `start` when there is none. */
export function codeEnd(text: string, start: number, end: number): number {
  let last = start;
  for (let token = nextToken(text, start, end); token; token = nextToken(text, token.end, end)) {
    if (token.kind !== 'comment') last = token.end;
  }
  return last;
}

/** Start of the first token in [start, end) that is not a comment; `end` when there is none. */
export function codeStart(text: string, start: number, end: number): number {
  for (let token = nextToken(text, start, end); token; token = nextToken(text, token.end, end)) {
    if (token.kind !== 'comment') return token.start;
  }
  return end;
}

/**
 * The end of a list element starting at `start`: the last code before the
 * first `,` or `)` outside parentheses, or before `end`.
 */
export function elementEnd(text: string, start: number, end: number): number {
  let depth = 0;
  let last = start;
  for (let token = nextToken(text, start, end); token; token = nextToken(text, token.end, end)) {
    if (token.kind === 'comment') continue;
    if (token.kind === 'punctuation') {
      const char = text[token.start];
      if (char === '(' || char === '[') depth++;
      else if (char === ')' || char === ']') {
        if (depth === 0) break;
        depth--;
      } else if ((char === ',' && depth === 0) || char === ';') break;
    }
    last = token.end;
  }
  return last;
}

/** Positions of the `,` in [start, end) that are outside parentheses. */
export function topLevelCommas(text: string, start: number, end: number): number[] {
  const commas: number[] = [];
  let depth = 0;
  for (let token = nextToken(text, start, end); token; token = nextToken(text, token.end, end)) {
    if (token.kind !== 'punctuation') continue;
    const char = text[token.start];
    if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    else if (char === ',' && depth === 0) commas.push(token.start);
  }
  return commas;
}

/** End of a dotted name (`schema.table`, `"Quoted".x`) starting at `start`. */
export function nameEnd(text: string, start: number, end: number): number {
  let last = start;
  let expectName = true;
  for (let token = nextToken(text, start, end); token; token = nextToken(text, token.end, end)) {
    const isName = token.kind === 'word' || token.kind === 'quoted-identifier';
    const isDot = token.kind === 'punctuation' && text[token.start] === '.';
    if (expectName ? !isName : !isDot) break;
    if (isName) last = token.end;
    expectName = !expectName;
  }
  return last;
}

/** Words that end a type name in a column definition or ALTER COLUMN … TYPE. */
const AFTER_TYPE = new Set([
  'not', 'null', 'default', 'constraint', 'primary', 'unique', 'references', 'check', 'generated',
  'collate', 'using', 'compression', 'storage', 'deferrable', 'initially', 'with', 'options',
]);
/** `with` ends a type unless it is part of `… with time zone`. */
const TIME_TYPES = /(?:time|timestamp)(?:\s*\(\s*\d+\s*\))?\s*$/i;

/** End of a type name starting at `start`: words, dots, `(…)` modifiers and `[…]` array bounds. */
export function typeEnd(text: string, start: number, end: number): number {
  let last = start;
  let token = nextToken(text, start, end);
  while (token) {
    const char = text[token.start]!;
    if (token.kind === 'word') {
      const word = text.slice(token.start, token.end).toLowerCase();
      if (AFTER_TYPE.has(word) && !(word === 'with' && TIME_TYPES.test(text.slice(start, last)))) break;
      last = token.end;
    } else if (token.kind === 'quoted-identifier' || char === '.') {
      last = token.end;
    } else if (char === '(' || char === '[') {
      last = matchingClose(text, token.start, end);
    } else if (token.kind !== 'comment') break;
    token = nextToken(text, Math.max(last, token.end), end);
  }
  return last;
}

/** Position after the bracket that closes the one at `open`. */
function matchingClose(text: string, open: number, end: number): number {
  let depth = 0;
  for (let token = nextToken(text, open, end); token; token = nextToken(text, token.end, end)) {
    if (token.kind !== 'punctuation') continue;
    const char = text[token.start];
    if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') {
      depth--;
      if (depth === 0) return token.end;
    }
  }
  return end;
}

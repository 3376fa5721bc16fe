import type { Diagnostic } from '../lint/diagnostic.js';
import { LineIndex } from '../parse/line-index.js';
import { TAB_WIDTH, cellWidth, sanitizeForTerminal } from './text-width.js';

/** 1-based positions; endColumn exclusive. */
export type Span = Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>;

export interface CodeFrameStyle {
  /** Paints the gutter. */
  dim(text: string): string;
  /** Paints the `>` marker and the underline (the severity's color). */
  mark(text: string): string;
}

/** Display cells of source shown per line; longer lines are clipped around the column. */
const MAX_LINE_WIDTH = 100;

/**
 * Source lines as diagnostics count them (src/parse): split on LF, a CR
 * before it dropped. Sliced when asked for: a frame shows two lines of a
 * file that may have thousands.
 */
export class SourceLines {
  private readonly index: LineIndex;

  constructor(source: string) {
    this.index = new LineIndex(source);
  }

  /** The 0-based line `index`; undefined past the end. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.index.lineCount) return undefined;
    return this.index.text.slice(this.index.lineStart(index + 1), this.index.lineEnd(index + 1, true));
  }
}

/**
 * The line before the span, the span's line, and an underline from its
 * column to its end (or to the end of the line when the span goes on):
 *
 *      2 | CREATE TABLE posts (
 *    > 3 |   status text
 *        |          ^^^^
 *
 * Returns undefined when the span's line is not in the source.
 */
export function codeFrame(lines: SourceLines, span: Span, style: CodeFrameStyle): string | undefined {
  const text = lines.at(span.line - 1);
  if (text === undefined) return undefined;
  const start = clamp(span.column - 1, 0, text.length);
  const end = span.endLine === span.line ? clamp(span.endColumn - 1, start, text.length) : text.length;

  // Only the neighbourhood of the column is laid out, so a 5 MB one-line file costs no more than a short one.
  const from = start - MAX_LINE_WIDTH;
  const to = start + 2 * MAX_LINE_WIDTH;
  const current = layOut(text, from, to);
  const previous = span.line > 1 ? layOut(lines.at(span.line - 2)!, from, to) : undefined;

  const caretStart = current.columnAt(start);
  const caretWidth = Math.max(1, current.columnAt(end) - caretStart);
  // Keep a fifth of the width as context before the column, and the whole line when it fits.
  const windowStart = clamp(caretStart - Math.floor(MAX_LINE_WIDTH / 5), 0, Math.max(0, current.width - MAX_LINE_WIDTH));
  const windowEnd = windowStart + MAX_LINE_WIDTH;

  const gutterWidth = String(span.line).length;
  const row = (marker: string, gutter: string, content: string) =>
    `${marker} ${style.dim(`${gutter.padStart(gutterWidth)} |`)} ${content}`.trimEnd();
  const rows: string[] = [];
  if (previous) rows.push(row(' ', String(span.line - 1), previous.render(windowStart, windowEnd)));
  rows.push(row(style.mark('>'), String(span.line), current.render(windowStart, windowEnd)));
  const indent = (current.clippedBefore(windowStart) ? 1 : 0) + caretStart - windowStart;
  const underline = Math.min(caretWidth, Math.max(1, windowEnd - caretStart));
  rows.push(row(' ', '', ' '.repeat(indent) + style.mark('^'.repeat(underline))));
  return rows.map((line) => `  ${line}`).join('\n');
}

interface Glyph {
  text: string;
  /** Display column relative to the laid-out part. */
  column: number;
  width: number;
}

interface LineLayout {
  width: number;
  /** Display column of a UTF-16 offset into the whole line. */
  columnAt(offset: number): number;
  clippedBefore(windowStart: number): boolean;
  /** The cells [windowStart, windowEnd), with `…` where the line goes on beyond them. */
  render(windowStart: number, windowEnd: number): string;
}

/** Lays out text[from, to) (clamped, never splitting a surrogate pair) as terminal cells, tabs expanded. */
function layOut(text: string, from: number, to: number): LineLayout {
  let begin = clamp(from, 0, text.length);
  let stop = clamp(to, begin, text.length);
  if (begin > 0 && isLowSurrogate(text.charCodeAt(begin))) begin--;
  if (stop < text.length && isLowSurrogate(text.charCodeAt(stop))) stop++;
  const cutBefore = begin > 0;
  const cutAfter = stop < text.length;
  const part = text.slice(begin, stop);
  if (PRINTABLE_ASCII.test(part)) return asciiLayout(part, begin, cutBefore, cutAfter);

  const glyphs: Glyph[] = [];
  // columns[i] = display column of text[begin + i]; the last entry is the width.
  const columns: number[] = [];
  let column = 0;
  for (let offset = begin; offset < stop; ) {
    const codePoint = text.codePointAt(offset)!;
    const units = codePoint > 0xffff ? 2 : 1;
    const char = text.slice(offset, offset + units);
    const glyph =
      char === '\t'
        ? { text: ' '.repeat(TAB_WIDTH - (column % TAB_WIDTH)), column, width: TAB_WIDTH - (column % TAB_WIDTH) }
        : { text: sanitizeForTerminal(char), column, width: cellWidth(codePoint) };
    glyphs.push(glyph);
    for (let unit = 0; unit < units; unit++) columns.push(column);
    column += glyph.width;
    offset += units;
  }
  columns.push(column);
  const width = column;

  return {
    width,
    columnAt: (offset) => columns[clamp(offset - begin, 0, columns.length - 1)]!,
    clippedBefore: (windowStart) => cutBefore || windowStart > 0,
    render(windowStart, windowEnd) {
      let out = cutBefore || windowStart > 0 ? '…' : '';
      let position = windowStart;
      let previousShown = false;
      for (const glyph of glyphs) {
        // A combining mark goes with the character before it; a wide character cut by the window edge is left out.
        const shown: boolean =
          glyph.width === 0 ? previousShown : glyph.column >= windowStart && glyph.column + glyph.width <= windowEnd;
        if (glyph.width > 0) previousShown = shown;
        if (!shown) continue;
        if (glyph.column > position) out += ' '.repeat(glyph.column - position);
        out += glyph.text;
        position = glyph.column + glyph.width;
      }
      if (cutAfter || width > windowEnd) out += '…';
      return out;
    },
  };
}

/** Text where every UTF-16 unit is one cell that needs no sanitizing (most SQL). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * `layOut` of printable ASCII, where offsets and display columns agree: the
 * same layout without a glyph per character (3,000 findings: ~100 ms → a few).
 */
function asciiLayout(part: string, begin: number, cutBefore: boolean, cutAfter: boolean): LineLayout {
  const width = part.length;
  return {
    width,
    columnAt: (offset) => clamp(offset - begin, 0, width),
    clippedBefore: (windowStart) => cutBefore || windowStart > 0,
    render(windowStart, windowEnd) {
      const before = cutBefore || windowStart > 0 ? '…' : '';
      const after = cutAfter || width > windowEnd ? '…' : '';
      return before + part.slice(windowStart, Math.max(windowStart, Math.min(windowEnd, width))) + after;
    },
  };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

import type { Span } from './types.js';

/**
 * Where each line of a text starts, and string offsets as 1-based lines and
 * columns (columns in UTF-16 code units; a CR before LF counts as part of its
 * line). Built once per text in O(n); each lookup is a binary search. The
 * one line/offset implementation: SQL (source-map.ts), disable comments
 * (src/lint/disable.ts), the config file (src/config/json-parse.ts, which
 * imports this file alone, never the parser) and code frames
 * (src/reporters/code-frame.ts) use it.
 */
export class LineIndex {
  /** String offset where each line starts. */
  readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** String offset where a 1-based line starts (clamped to the text's lines). */
  lineStart(line: number): number {
    return this.lineStarts[Math.min(Math.max(line, 1), this.lineStarts.length) - 1] ?? 0;
  }

  /** String offset where a 1-based line ends, before its LF (and before a CR ahead of it, with `withoutCr`). */
  lineEnd(line: number, withoutCr = false): number {
    const next = this.lineStarts[line];
    let end = next === undefined ? this.text.length : next - 1;
    if (withoutCr && end > this.lineStart(line) && this.text.charCodeAt(end - 1) === 13 /* \r */) end--;
    return end;
  }

  /** 1-based line and column of a string offset. */
  position(offset: number): { line: number; column: number } {
    const index = this.lineIndex(offset);
    return { line: index + 1, column: offset - this.lineStarts[index]! + 1 };
  }

  span(start: number, end: number): Span {
    // Line indexes, not position() objects: a file's views take a span per name, type, column and clause.
    const { lineStarts } = this;
    const startIndex = this.lineIndex(start);
    const endIndex = end === start ? startIndex : this.lineIndex(end);
    return {
      start,
      end,
      line: startIndex + 1,
      column: start - lineStarts[startIndex]! + 1,
      endLine: endIndex + 1,
      endColumn: end - lineStarts[endIndex]! + 1,
    };
  }

  /** 0-based index of the line holding a string offset. */
  lineIndex(offset: number): number {
    return lastAtOrBefore(this.lineStarts, offset);
  }
}

/** Index of the last element of ascending `values` that is <= `target` (0 when none). */
export function lastAtOrBefore(values: readonly number[], target: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (values[mid]! <= target) low = mid;
    else high = mid - 1;
  }
  return low;
}

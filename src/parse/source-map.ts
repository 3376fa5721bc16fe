import type { Span } from './types.js';

/**
 * Converts libpg-query's UTF-8 byte offsets to string offsets, and string
 * offsets to 1-based lines and columns. Built once per file in O(n); each
 * lookup is a binary search.
 */
export class SourceMap {
  /** String offset where each line starts. */
  private readonly lineStarts: number[] = [0];
  /**
   * After every non-ASCII character: its end as a byte offset and as a string
   * offset. Empty for ASCII text, where both offsets agree.
   */
  private readonly byteMarks: number[] = [];
  private readonly charMarks: number[] = [];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    if (Buffer.byteLength(text) === text.length) return;
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x80) {
        bytes += 1;
        continue;
      }
      if (code < 0x800) bytes += 2;
      else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        // A surrogate pair is one 4-byte code point.
        bytes += 4;
        i += 1;
      } else bytes += 3;
      this.byteMarks.push(bytes);
      this.charMarks.push(i + 1);
    }
  }

  /** String offset of a UTF-8 byte offset into the text. */
  charOffset(byteOffset: number): number {
    const marks = this.byteMarks;
    if (marks.length === 0 || byteOffset < (marks[0] ?? 0)) return Math.min(byteOffset, this.text.length);
    let low = 0;
    let high = marks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((marks[mid] ?? 0) <= byteOffset) low = mid;
      else high = mid - 1;
    }
    return Math.min((this.charMarks[low] ?? 0) + byteOffset - (marks[low] ?? 0), this.text.length);
  }

  /** UTF-8 byte offset of a string offset (the inverse of `charOffset`). */
  byteOffset(charOffset: number): number {
    const marks = this.charMarks;
    if (marks.length === 0 || charOffset < (marks[0] ?? 0)) return charOffset;
    let low = 0;
    let high = marks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((marks[mid] ?? 0) <= charOffset) low = mid;
      else high = mid - 1;
    }
    return (this.byteMarks[low] ?? 0) + charOffset - (marks[low] ?? 0);
  }

  /** String offset where a 1-based line starts. */
  lineStart(line: number): number {
    return this.lineStarts[Math.min(Math.max(line, 1), this.lineStarts.length) - 1] ?? 0;
  }

  /** 1-based line and column of a string offset. */
  position(offset: number): { line: number; column: number } {
    const index = this.lineIndex(offset);
    return { line: index + 1, column: offset - (this.lineStarts[index] ?? 0) + 1 };
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
      column: start - (lineStarts[startIndex] ?? 0) + 1,
      endLine: endIndex + 1,
      endColumn: end - (lineStarts[endIndex] ?? 0) + 1,
    };
  }

  /** 0-based index of the line holding a string offset. */
  private lineIndex(offset: number): number {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

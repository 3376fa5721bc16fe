import { LineIndex, lastAtOrBefore } from './line-index.js';

/**
 * Converts libpg-query's UTF-8 byte offsets to string offsets; lines and
 * columns come from LineIndex. Built once per file in O(n); each lookup is a
 * binary search.
 */
export class SourceMap extends LineIndex {
  /**
   * After every non-ASCII character: its end as a byte offset and as a string
   * offset. Empty for ASCII text, where both offsets agree.
   */
  private readonly byteMarks: number[] = [];
  private readonly charMarks: number[] = [];

  constructor(text: string) {
    super(text);
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
    const low = lastAtOrBefore(marks, byteOffset);
    return Math.min((this.charMarks[low] ?? 0) + byteOffset - (marks[low] ?? 0), this.text.length);
  }

  /** UTF-8 byte offset of a string offset (the inverse of `charOffset`). */
  byteOffset(charOffset: number): number {
    const marks = this.charMarks;
    if (marks.length === 0 || charOffset < (marks[0] ?? 0)) return charOffset;
    const low = lastAtOrBefore(marks, charOffset);
    return (this.byteMarks[low] ?? 0) + charOffset - (marks[low] ?? 0);
  }
}

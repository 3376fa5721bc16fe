/**
 * Terminal display of source text: how many cells a character takes and
 * what to show instead of characters that must not reach a terminal.
 */

/** Tab stops every 4 cells, counted from the start of the source line. */
export const TAB_WIDTH = 4;

const REPLACEMENT = '\uFFFD';

/**
 * Control characters (C0 except tab and newline, DEL, C1) could move the
 * cursor or start an escape sequence, and bidirectional overrides can make
 * the frame show code other than what runs: all are shown as U+FFFD.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with characters that must not reach a terminal replaced. */
export function sanitizeForTerminal(text: string): string {
  return text.replace(UNSAFE, REPLACEMENT);
}

/** Display cells of one code point (not tab): 0 for combining marks and joiners, 2 for wide East Asian characters and emoji. */
export function cellWidth(codePoint: number): number {
  if (isZeroWidth(codePoint)) return 0;
  if (isWide(codePoint)) return 2;
  return 1;
}

function isZeroWidth(cp: number): boolean {
  return (
    (cp >= 0x0300 && cp <= 0x036f) || // combining diacritical marks
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe20 && cp <= 0xfe2f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space, joiners, marks
    cp === 0xfeff
  );
}

/** East Asian Wide and Fullwidth ranges, and the emoji blocks terminals draw two cells wide. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

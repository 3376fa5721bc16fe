/**
 * Inline disable comments (DESIGN.md §4):
 *
 *     -- sqlmig-disable-next-line <rule>[, <rule>] -- reason
 *     -- sqlmig-disable <rule>[, <rule>] -- reason        (the whole file, wherever it stands)
 *
 * `/* … *\/` comments work the same. "Next line" is the next line holding SQL:
 * blank and comment-only lines are skipped, so several disable comments can
 * stack above one statement. A diagnostic is suppressed when it starts on
 * that line.
 */
import { LineIndex, lastAtOrBefore } from '../parse/line-index.js';
import type { Comment, Span } from '../parse/types.js';

export interface DisableDirective {
  scope: 'file' | 'next-line';
  ruleId: string;
  /** Where the rule id is written, for `unknown-rule` / `unused-disable`. */
  span: Span;
  /** For `next-line`: the line it covers; undefined when no SQL follows. */
  line?: number;
  used: boolean;
}

const DIRECTIVE = /^(?:--|\/\*)\s*sqlmig-disable(-next-line)?(?=\s|\*\/|$)([\s\S]*?)(?:\*\/)?$/;

export function readDisableDirectives(text: string, comments: readonly Comment[]): DisableDirective[] {
  const directives: DisableDirective[] = [];
  let lines: LineIndex | undefined;
  let commentStarts: number[] | undefined;
  for (const comment of comments) {
    const match = DIRECTIVE.exec(comment.text);
    if (!match) continue;
    const scope = match[1] ? 'next-line' : 'file';
    const listStart = comment.text.length - (comment.text.endsWith('*/') ? 2 : 0) - match[2]!.length;
    // The rule list ends where the reason starts (` -- reason`).
    const list = match[2]!.split('--')[0]!;
    lines ??= new LineIndex(text);
    commentStarts ??= comments.map((each) => each.span.start);
    const line =
      scope === 'next-line' ? nextCodeLine(lines, comments, commentStarts, comment.span.endLine) : undefined;
    for (const id of list.matchAll(/[^\s,]+/g)) {
      const start = comment.span.start + listStart + id.index;
      directives.push({ scope, ruleId: id[0], span: lines.span(start, start + id[0].length), line, used: false });
    }
    if (!/[^\s,]/.test(list)) {
      directives.push({ scope, ruleId: '', span: comment.span, line, used: false });
    }
  }
  return directives;
}

/** The first line after `afterLine` with SQL on it (not blank, not only comments). */
function nextCodeLine(
  lines: LineIndex,
  comments: readonly Comment[],
  commentStarts: number[],
  afterLine: number,
): number | undefined {
  const { text } = lines;
  for (let line = afterLine + 1; line <= lines.lineCount; line++) {
    const lineEnd = lines.lineEnd(line);
    let offset = lines.lineStart(line);
    while (offset < lineEnd) {
      if (/\s/.test(text[offset]!)) {
        offset++;
        continue;
      }
      const comment = comments[lastAtOrBefore(commentStarts, offset)];
      if (!comment || comment.span.start > offset || offset >= comment.span.end) return line;
      offset = comment.span.end;
    }
  }
  return undefined;
}

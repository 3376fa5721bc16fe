import { relative } from 'node:path';
import { RefusedError } from '../errors.js';
import type { Diagnostic } from '../lint/diagnostic.js';
import type { Refusal } from './types.js';

/** Errors list this many problems; the full lists stay on the error objects. */
const MAX_LISTED = 20;

function more(total: number, where: string): string {
  return total > MAX_LISTED ? `\n  … and ${total - MAX_LISTED} more (${where})` : '';
}

/** The planner refused: every reason, each naming its file and what to do. */
export class PlanRefusedError extends RefusedError {
  /**
   * `command`: what was refused. `up`'s refusals are what `sqlmig validate` lists, so a long list is cut and points
   * there; no other command lists down's (a missing down file, an unknown --to), so its list is never cut.
   */
  constructor(
    readonly refusals: readonly Refusal[],
    cwd: string,
    command: 'up' | 'other' = 'up',
  ) {
    const count = refusals.length === 1 ? '1 problem' : `${refusals.length} problems`;
    const listed =
      command === 'up'
        ? formatRefusals(refusals.slice(0, MAX_LISTED), cwd) + more(refusals.length, '`sqlmig validate` lists them all')
        : formatRefusals(refusals, cwd);
    super(`nothing was run: ${count}\n${listed}`, {
      hint:
        command === 'up'
          ? 'fix every problem listed, then run the command again (`sqlmig validate` lists them without running)'
          : 'fix every problem listed, then run the command again (`sqlmig status` shows the state of every migration and the file problems)',
    });
  }
}

/** The lint gate of `up` found error-severity problems in pending files. */
export class LintRefusedError extends RefusedError {
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    cwd: string,
  ) {
    const lines = diagnostics.slice(0, MAX_LISTED).map(
      (d) => `  ${relative(cwd, d.file)}:${d.line}:${d.column}: ${d.message} [${d.rule}]${d.hint ? `\n    hint: ${d.hint}` : ''}`,
    );
    super(
      `nothing was run: the pending migrations have ${diagnostics.length === 1 ? '1 lint error' : `${diagnostics.length} lint errors`}\n${lines.join('\n')}` +
        more(diagnostics.length, '`sqlmig lint` lists them all'),
      { hint: 'fix them (see `sqlmig lint`), or skip the gate with --no-lint if you must' },
      'LINT_REFUSED',
    );
  }
}

/** `  file: message` + `    hint: …`, one block per refusal. */
export function formatRefusals(refusals: readonly Refusal[], cwd: string): string {
  return refusals
    .map((refusal) => {
      const where = refusal.file ? `${relative(cwd, refusal.file)}: ` : '';
      return `  ${where}${refusal.message}\n    hint: ${refusal.hint}`;
    })
    .join('\n');
}

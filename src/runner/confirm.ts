import { relative } from 'node:path';
import { SqlmigError } from '../errors.js';
import type { MigrationSource } from '../migrations/types.js';
import type { QualifiedName } from '../parse/index.js';
import type { PlanStep } from './types.js';

/** Asked before a down that loses data; resolves true to go on. The CLI asks on the terminal. */
export type Confirm = (question: string) => Promise<boolean>;

/**
 * Going down more than one migration, or through a down file that drops a
 * table or column, loses data that no up file brings back. Such a run goes
 * on only with `yes`, or when `confirm` (a person at a terminal) agrees;
 * otherwise it stops with CONFIRMATION_REQUIRED (exit 2) before anything runs.
 */
export async function confirmDown(
  steps: readonly PlanStep[],
  sources: readonly MigrationSource[],
  options: { yes?: boolean; confirm?: Confirm; cwd: string },
): Promise<void> {
  if (options.yes) return;
  const downs = steps.flatMap((step, index) => (step.direction === 'down' ? [sources[index]!] : []));
  const drops = (await Promise.all(downs.map((source) => dropsIn(source, options.cwd)))).flat();
  if (downs.length <= 1 && drops.length === 0) return;
  const versions = steps.filter((step) => step.direction === 'down').map((step) => step.version);
  const what = [
    `reverting ${downs.length} ${downs.length === 1 ? 'migration' : 'migrations'} (${versions.join(', ')}) loses data no up file brings back:`,
    ...(downs.length > 1 ? [`  ${downs.length} migrations at once`] : []),
    ...drops.map((drop) => `  ${drop}`),
  ].join('\n');
  if (options.confirm && (await options.confirm(`${what}\nrevert? [y/N] `))) return;
  const why = options.confirm ? 'not confirmed' : 'it needs a confirmation, and there is no terminal to ask on';
  throw new SqlmigError('CONFIRMATION_REQUIRED', 2, `nothing was reverted: ${why}\n${what}`, {
    hint: 'check the plan with --dry-run, then run it again on a terminal to confirm, or pass --yes (library: `yes: true`)',
  });
}

/** `file:line: DROP TABLE x` for each statement of the down file dropping a table or a column. */
async function dropsIn(source: MigrationSource, cwd: string): Promise<string[]> {
  const { loadParser, parseSql } = await import('../parse/index.js');
  await loadParser();
  const parsed = parseSql(source.text);
  const at = (line: number) => `${relative(cwd, source.file.path) || source.file.path}:${line}`;
  const found: string[] = [];
  for (const statement of parsed.statements) {
    const { view } = statement;
    if (view.kind === 'drop' && view.objectType === 'table') {
      found.push(`${at(statement.line)}: drops table ${view.objects.map((target) => shown(target.name)).join(', ')}`);
    } else if (view.kind === 'alter-table') {
      for (const action of view.actions) {
        if (action.type === 'drop-column') found.push(`${at(action.span.line)}: drops column ${shown(view.table)}.${action.column}`);
      }
    }
  }
  // A down file that does not parse is not known to be harmless.
  if (parsed.errors.length > 0) found.push(`${at(1)}: does not parse, so what it drops is not known`);
  return found;
}

function shown(name: QualifiedName): string {
  return name.schema ? `${name.schema}.${name.name}` : name.name;
}

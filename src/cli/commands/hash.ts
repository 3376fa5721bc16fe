import { relative } from 'node:path';
import type { ExitCode } from '../../errors.js';
import {
  compareSum,
  discoverMigrations,
  migrationFiles,
  readMigrationSources,
  readSumFile,
  writeSumFile,
} from '../../migrations/index.js';
import type { CommandContext } from '../context.js';

/**
 * `sqlmig hash`: rewrites sqlmig.sum from the files as they are now. Problems
 * with the set (bad names, duplicate versions) do not stop it: they are
 * printed as warnings and the valid files are hashed.
 */
export default async function hash(ctx: CommandContext): Promise<ExitCode> {
  const config = await ctx.config();
  const shown = (path: string) => relative(ctx.io.cwd, path) || '.';

  const set = discoverMigrations(config.dir);
  for (const problem of set.problems) {
    ctx.err(`warning: ${shown(problem.path)}: ${problem.message}`);
    if (problem.hint) ctx.err(`hint: ${problem.hint}`);
  }

  const sources = readMigrationSources(migrationFiles(set));
  const previous = readSumFile(set.dir);
  const path = writeSumFile(set.dir, sources);

  ctx.out(`wrote ${shown(path)}: ${sources.length} ${sources.length === 1 ? 'file' : 'files'}`);
  if (!previous) {
    ctx.out('(it did not exist before)');
    return 0;
  }
  const changes = compareSum(previous, sources);
  const lines = [
    ...changes.edited.map((fileName) => `  edited   ${fileName}`),
    ...changes.added.map((fileName) => `  added    ${fileName}`),
    ...changes.removed.map((fileName) => `  removed  ${fileName}`),
  ];
  if (previous.problems.length > 0) {
    lines.push(`  replaced a malformed sum (${previous.problems.length} ${previous.problems.length === 1 ? 'problem' : 'problems'})`);
  } else if (lines.length === 0 && changes.totalMismatch) {
    lines.push('  corrected the total line');
  }
  ctx.out(lines.length === 0 ? 'no changes' : lines.join('\n'));
  return 0;
}

import { isAbsolute, relative } from 'node:path';
import type { ExitCode } from '../../errors.js';
import { diff as runDiff } from '../../diff/diff.js';
import { seconds } from '../runner-options.js';
import type { CommandContext } from '../context.js';

export interface DiffCliOptions {
  to?: string;
  toUrl?: string;
  name?: string;
  wait?: string;
}

/**
 * `sqlmig diff [--to schema.sql | --to-url <url>] [--name <description>]`:
 * prints the drafted files on stdout (as `new` does), notes and lint findings
 * on stderr; exit 1 when the draft does not pass lint or its round trip, or
 * does not give the desired schema.
 */
export default async function diff(ctx: CommandContext, options: DiffCliOptions): Promise<ExitCode> {
  const result = await runDiff({
    config: await ctx.config(),
    cwd: ctx.io.cwd,
    env: ctx.io.env,
    url: ctx.globals.url,
    to: options.to,
    toUrl: options.toUrl,
    name: options.name,
    wait: seconds(options.wait, '--wait'),
    signal: ctx.io.signal,
  });
  const shown = (path: string) => relative(ctx.io.cwd, path);
  // A URL (--to-url) is already redacted; a file is shown relative to the working directory.
  const desired = isAbsolute(result.desired) ? shown(result.desired) : result.desired;
  if (result.migrations.length === 0) {
    ctx.info(`no differences: the migrations already build ${desired}`);
  }
  for (const migration of result.migrations) {
    ctx.out(shown(migration.up));
    ctx.out(shown(migration.down));
  }
  for (const note of result.notes) ctx.err(`${note.kind === 'rename' ? 'rename?' : 'by hand'}: ${note.message}`);
  for (const finding of result.lint.filter((diagnostic) => diagnostic.severity === 'warning')) {
    ctx.info(`lint warning: ${shown(finding.file)}:${finding.line}:${finding.column}: ${finding.message} (${finding.rule})`);
  }
  if (result.problems.length > 0) {
    ctx.err('the draft is not ready; fix it by hand, then run sqlmig lint and sqlmig verify:');
    for (const problem of result.problems) ctx.err(`  ${problem.replaceAll(ctx.io.cwd + '/', '')}`);
    return 1;
  }
  if (result.migrations.length > 0) {
    ctx.info(`the draft passes lint and verify, and builds ${desired}; review it and commit it with the schema`);
  }
  return 0;
}

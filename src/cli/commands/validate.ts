import { relative } from 'node:path';
import type { ExitCode } from '../../errors.js';
import { runnerOptionsFrom, type RunnerCliOptions } from '../runner-options.js';
import { validate as check } from '../../runner/inspect.js';
import { formatRefusals } from '../../runner/refused.js';
import type { CommandContext } from '../context.js';

export interface ValidateOptions extends RunnerCliOptions {
  allowOutOfOrder: boolean;
  /** false with --no-lint. */
  lint: boolean;
}

/** `sqlmig validate`: every check `up` makes before applying, without applying; exit 1 on any problem. */
export default async function validate(ctx: CommandContext, options: ValidateOptions): Promise<ExitCode> {
  const result = await check({
    ...(await runnerOptionsFrom(ctx, options)),
    allowOutOfOrder: options.allowOutOfOrder,
    lintGate: options.lint ? undefined : false,
  });
  const problems = result.refusals.length + result.lintErrors.length;
  if (ctx.globals.format === 'json') {
    const refusals = result.refusals.map((r) => ({ ...r, file: r.file === undefined ? undefined : relative(ctx.io.cwd, r.file) }));
    ctx.out(JSON.stringify({ ok: problems === 0, applied: result.applied, pending: result.pending, refusals, lintErrors: result.lintErrors }, null, 2));
  } else if (problems === 0) {
    ctx.out(`OK: ${result.applied} applied, ${result.pending} pending, nothing that \`up\` would refuse.`);
  } else {
    ctx.out(`${problems === 1 ? '1 problem' : `${problems} problems`} that \`up\` would refuse:`);
    if (result.refusals.length > 0) ctx.out(formatRefusals(result.refusals, ctx.io.cwd));
    for (const d of result.lintErrors) ctx.out(`  ${relative(ctx.io.cwd, d.file)}:${d.line}:${d.column}: ${d.message} [${d.rule}]`);
  }
  return problems === 0 ? 0 : 1;
}

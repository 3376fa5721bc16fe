import { relative } from 'node:path';
import type { ExitCode } from '../../errors.js';
import { runnerOptionsFrom } from '../runner-options.js';
import { cliTargets, runOnTargets, type ManyCliOptions } from '../many-targets.js';
import { validate as check, type ValidateResult } from '../../runner/inspect.js';
import { formatRefusals } from '../../runner/refused.js';
import type { CommandContext } from '../context.js';

export interface ValidateOptions extends ManyCliOptions {
  allowOutOfOrder: boolean;
  /** false with --no-lint. */
  lint: boolean;
}

/** `sqlmig validate`: every check `up` makes before applying, without applying; exit 1 on any problem (on any target). */
export default async function validate(ctx: CommandContext, options: ValidateOptions): Promise<ExitCode> {
  const how = { allowOutOfOrder: options.allowOutOfOrder, lintGate: options.lint ? undefined : (false as const) };
  const { cwd } = ctx.io;
  const targets = await cliTargets(ctx, options);
  if (targets !== null) {
    return runOnTargets(ctx, targets, options, {
      work: (runner) => check({ ...runner, ...how }),
      line: (result) => (problemCount(result) === 0 ? okLine(result) : `${problemCount(result)} problem${problemCount(result) === 1 ? '' : 's'} that \`up\` would refuse`),
      json: (result) => validateJson(result, cwd),
      isFailure: (result) => problemCount(result) > 0,
      details: (result) => (problemCount(result) === 0 ? undefined : problemLines(result, cwd).join('\n')),
    });
  }
  const result = await check({ ...(await runnerOptionsFrom(ctx, options)), ...how });
  const problems = problemCount(result);
  if (ctx.globals.format === 'json') {
    ctx.out(JSON.stringify(validateJson(result, cwd), null, 2));
  } else if (problems === 0) {
    ctx.out(okLine(result));
  } else {
    ctx.out(`${problems === 1 ? '1 problem' : `${problems} problems`} that \`up\` would refuse:`);
    for (const line of problemLines(result, cwd)) ctx.out(line);
  }
  return problems === 0 ? 0 : 1;
}

function problemCount(result: ValidateResult): number {
  return result.refusals.length + result.lintErrors.length;
}

function okLine(result: ValidateResult): string {
  return `OK: ${result.applied} applied, ${result.pending} pending, nothing that \`up\` would refuse.`;
}

function problemLines(result: ValidateResult, cwd: string): string[] {
  const lines = result.refusals.length > 0 ? [formatRefusals(result.refusals, cwd)] : [];
  for (const d of result.lintErrors) lines.push(`  ${relative(cwd, d.file)}:${d.line}:${d.column}: ${d.message} [${d.rule}]`);
  return lines;
}

function validateJson(result: ValidateResult, cwd: string): unknown {
  const refusals = result.refusals.map((r) => ({ ...r, file: r.file === undefined ? undefined : relative(cwd, r.file) }));
  return { ok: problemCount(result) === 0, applied: result.applied, pending: result.pending, refusals, lintErrors: result.lintErrors };
}

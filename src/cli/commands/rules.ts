import { rules as registry } from '../../../rules/index.js';
import type { ExitCode } from '../../errors.js';
import { formatRuleTable, ruleListEntries } from '../../reporters/index.js';
import type { CommandContext } from '../context.js';

/** `sqlmig rules`: every rule with its default and, when a config exists, its effective severity. */
export default async function rules(ctx: CommandContext): Promise<ExitCode> {
  // run() refused the formats rules does not print.
  const format = ctx.globals.format ?? 'pretty';
  const config = await ctx.config();
  const configured = config.configFile === null ? undefined : config.lint.rules;
  ctx.out(
    format === 'json'
      ? JSON.stringify(ruleListEntries(registry, configured), null, 2)
      : formatRuleTable(registry, { color: ctx.color, configured }),
  );
  return 0;
}

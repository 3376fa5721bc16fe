import { rules as registry } from '../../../rules/index.js';
import { UsageError, type ExitCode } from '../../errors.js';
import { formatRuleTable, ruleListEntries } from '../../reporters/index.js';
import type { CommandContext } from '../context.js';

/** `sqlmig rules`: every rule with its default and, when a config exists, its effective severity. */
export default async function rules(ctx: CommandContext): Promise<ExitCode> {
  const format = ctx.globals.format ?? 'pretty';
  if (format !== 'pretty' && format !== 'json') {
    throw new UsageError(`\`sqlmig rules\` prints pretty or json, not ${format}`);
  }
  const config = await ctx.config();
  const configured = config.configFile === null ? undefined : config.lint.rules;
  ctx.out(
    format === 'json'
      ? JSON.stringify(ruleListEntries(registry, configured), null, 2)
      : formatRuleTable(registry, { color: ctx.color, configured }),
  );
  return 0;
}

import { rules } from '../../../rules/index.js';
import { closestMatch } from '../../config/closest.js';
import { UsageError, type ExitCode } from '../../errors.js';
import { formatRuleExplanation } from '../../reporters/index.js';
import type { CommandContext } from '../context.js';

/** `sqlmig explain <rule>`: the rule's severity, rationale, and its bad and good examples. */
export default async function explain(ctx: CommandContext, ruleId: string): Promise<ExitCode> {
  const rule = rules.find((candidate) => candidate.id === ruleId);
  if (!rule) {
    const ids = rules.map((candidate) => candidate.id);
    // A typo (`require-down-file`) or a part of the id (`varchar`).
    const suggestion = closestMatch(ruleId, ids) ?? ids.find((id) => ruleId.length >= 3 && id.includes(ruleId.toLowerCase()));
    throw new UsageError(`unknown rule "${ruleId}"`, {
      hint: `${suggestion ? `did you mean "${suggestion}"? ` : ''}\`sqlmig rules\` lists every rule`,
    });
  }
  const config = await ctx.config();
  ctx.out(formatRuleExplanation(rule, { color: ctx.color, configured: config.configFile === null ? undefined : config.lint.rules }));
  return 0;
}

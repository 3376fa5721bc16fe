import type { RuleSetting } from '../config/types.js';

/** One SQL example of a rule, as rule modules declare it. */
export interface RuleExample {
  sql: string;
}

/**
 * What reporters, `sqlmig rules` and `sqlmig explain` need to know about a
 * rule: the documentation part of a rule module (rules/<id>.ts), so any rule
 * module can be passed as it is.
 */
export interface RuleInfo {
  id: string;
  defaultSeverity: RuleSetting;
  /** One line. */
  description: string;
  /** Why the rule exists, citing the SOP point it enforces. */
  rationale: string;
  examples: { bad: readonly RuleExample[]; good: readonly RuleExample[] };
}

import type { OutputFormat } from '../cli/context.js';
import type { LintResult } from '../lint/diagnostic.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatPretty } from './pretty.js';
import { formatSarif, type SarifOptions } from './sarif.js';

export type { SarifOptions } from './sarif.js';
export { formatRuleExplanation, formatRuleTable, ruleListEntries } from './rules.js';

/** The lint report in the chosen `--format`. */
export function formatLintResult(format: OutputFormat, result: LintResult, options: SarifOptions): string {
  switch (format) {
    case 'pretty':
      return formatPretty(result, options);
    case 'json':
      return formatJson(result, options);
    case 'github':
      return formatGithub(result, options);
    case 'sarif':
      return formatSarif(result, options);
  }
}

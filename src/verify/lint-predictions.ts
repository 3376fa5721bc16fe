import type { Config } from '../config/types.js';
import type { Diagnostic, TableName } from '../lint/diagnostic.js';
import { lintProject } from '../lint/project.js';
import type { MigrationSet } from '../migrations/types.js';

/**
 * The rules that predict what a statement locks, scans or rewrites on a table
 * that existed before its migration (their examples state an `effect`, checked
 * on a server by test/rules/locks.test.ts). Their findings are what the trace
 * holds its observations against.
 */
export const LOCK_RULE_IDS: readonly string[] = ['table-rewrite', 'set-not-null-scan', 'constraint-not-valid', 'require-concurrent-index', 'unique-needs-index'];

/**
 * A data change in a file with schema changes: in one transaction it runs under the locks the schema changes
 * took, which are held until COMMIT. It predicts a statement that reads or rewrites a table under a lock an
 * earlier statement took (off by default, and it lets the backfill of a column the file adds pass).
 */
export const DATA_UNDER_LOCK_RULE_ID = 'separate-schema-and-data';
const PREDICTING_RULE_IDS = [...LOCK_RULE_IDS, DATA_UNDER_LOCK_RULE_ID];

/** The lock findings of one file, to be looked up by statement. */
export class LintPredictions {
  private constructor(private readonly byFile: ReadonlyMap<string, readonly Diagnostic[]>) {}

  /**
   * Lints the folder as `sqlmig lint` does, with the lock rules on whatever the config says (a rule turned
   * off still predicts) and no baseline, so that every traced migration has the lint's prediction. Inline
   * disable comments still apply: a finding silenced there was accepted by a person, and shows as missed.
   */
  static async of(config: Config, set: MigrationSet): Promise<LintPredictions> {
    const rules = { ...config.lint.rules, ...Object.fromEntries(PREDICTING_RULE_IDS.map((id) => [id, 'warn' as const])) };
    const result = await lintProject({ config: { ...config, lint: { ...config.lint, rules, baseline: undefined } }, set, withSources: false });
    const byFile = new Map<string, Diagnostic[]>();
    for (const diagnostic of result.diagnostics) {
      if (!PREDICTING_RULE_IDS.includes(diagnostic.rule)) continue;
      byFile.set(diagnostic.file, [...(byFile.get(diagnostic.file) ?? []), diagnostic]);
    }
    return new LintPredictions(byFile);
  }

  /** Ids of the rules above with a finding in `file` on lines `line`…`endLine` (a statement's lines), each once. */
  rulesAt(file: string, line: number, endLine: number): string[] {
    return [...new Set(this.findings(file, line, endLine).map((diagnostic) => diagnostic.rule))];
  }

  /** The tables the lock rules' findings there name. */
  tablesAt(file: string, line: number, endLine: number): TableName[] {
    return this.findings(file, line, endLine).flatMap((diagnostic) => (diagnostic.table && LOCK_RULE_IDS.includes(diagnostic.rule) ? [diagnostic.table] : []));
  }

  private findings(file: string, line: number, endLine: number): Diagnostic[] {
    return (this.byFile.get(file) ?? []).filter((diagnostic) => diagnostic.line >= line && diagnostic.line <= endLine);
  }
}

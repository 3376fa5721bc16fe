/** Lints every project of the real-world corpus (../shared/corpus beside the repository, or $SQLMIG_CORPUS) as `sqlmig lint` does, with every rule on. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { configDefaults } from '../../src/config/defaults.js';
import type { LintResult } from '../../src/lint/diagnostic.js';
import { lintProject as lintFolder } from '../../src/lint/project.js';
import { rules } from '../../rules/index.js';
import { sharedPath } from '../helpers/shared.js';

export const CORPUS_DIR = process.env.SQLMIG_CORPUS ?? sharedPath('corpus');

export function corpusProjects(): string[] {
  if (!existsSync(CORPUS_DIR)) {
    throw new Error(`the migration corpus is not at ${CORPUS_DIR}: put shared/ beside the repository or set SQLMIG_CORPUS`);
  }
  return readdirSync(CORPUS_DIR)
    .filter((name) => statSync(join(CORPUS_DIR, name)).isDirectory())
    .sort();
}

export async function lintProject(project: string): Promise<LintResult> {
  const dir = join(CORPUS_DIR, project);
  const everyRuleOn = Object.fromEntries(rules.map((rule) => [rule.id, 'warn' as const]));
  return lintFolder({
    config: {
      ...configDefaults,
      configFile: null,
      root: dir,
      dir,
      dumpSchema: null,
      databaseUrl: null,
      lint: { rules: everyRuleOn, knownTables: [], statusColumns: [...configDefaults.lint.statusColumns], smallTableRows: configDefaults.lint.smallTableRows },
      environments: {},
      environment: null,
    },
  });
}

/** Lints every project of the real-world corpus (/work/shared/corpus, or $SQLMIG_CORPUS) with every rule on. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { configDefaults } from '../../src/config/defaults.js';
import { lintSequence } from '../../src/lint/engine.js';
import type { LintResult } from '../../src/lint/diagnostic.js';
import { discoverMigrations, migrationFiles, readMigrationSources } from '../../src/migrations/index.js';
import { rules } from '../../rules/index.js';

export const CORPUS_DIR = process.env.SQLMIG_CORPUS ?? '/work/shared/corpus';

export function corpusProjects(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((name) => statSync(join(CORPUS_DIR, name)).isDirectory())
    .sort();
}

export async function lintProject(project: string): Promise<LintResult> {
  const set = await discoverMigrations(join(CORPUS_DIR, project));
  const sources = await readMigrationSources(migrationFiles(set));
  const everyRuleOn = Object.fromEntries(rules.map((rule) => [rule.id, 'warn' as const]));
  return lintSequence({ sources, config: { ...configDefaults.lint, rules: everyRuleOn } });
}

import type { Diagnostic } from '../lint/diagnostic.js';
import { migrationFiles, readMigrationSources } from '../migrations/index.js';
import type { LintGate } from './migrate.js';

/**
 * The gate `up` uses by default: the whole sequence is linted (cross-file
 * rules need it) and findings on the files about to run are returned. The
 * engine loads only when something is pending.
 */
export const sequenceLintGate: LintGate = async (files, { config, set }): Promise<readonly Diagnostic[]> => {
  const { lintSequence } = await import('../lint/index.js');
  const result = await lintSequence({
    sources: await readMigrationSources(migrationFiles(set)),
    config: config.lint,
    reportOn: new Set(files.map((file) => file.path)),
    schemaName: config.schema,
    configFile: config.configFile ?? undefined,
  });
  return result.diagnostics;
};

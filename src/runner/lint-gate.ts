import type { Diagnostic } from '../lint/diagnostic.js';
import type { LintGate } from './migrate.js';

/**
 * The gate `up` uses by default: the folder is linted as `sqlmig lint` lints
 * it (the whole sequence, which cross-file rules need, and sqlmig.sum) and
 * findings on the files about to run are returned. The engine loads only
 * when something is pending.
 */
export const sequenceLintGate: LintGate = async (files, { config, set }): Promise<readonly Diagnostic[]> => {
  const { lintProject } = await import('../lint/project.js');
  const result = await lintProject({ config, set, reportOn: new Set(files.map((file) => file.path)) });
  return result.diagnostics;
};

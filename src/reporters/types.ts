import type { LintResult } from '../lint/diagnostic.js';

export interface ReporterOptions {
  /** Paths are printed relative to this folder. */
  cwd: string;
  /** ANSI colors; when false the output has no escape codes at all. */
  color: boolean;
}

/** Turns a lint result into the text printed on stdout (without a trailing newline). */
export type Reporter = (result: LintResult, options: ReporterOptions) => string;

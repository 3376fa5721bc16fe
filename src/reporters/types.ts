export interface ReporterOptions {
  /** Paths are printed relative to this folder. */
  cwd: string;
  /**
   * github and sarif name files relative to this folder instead: the git
   * repository root, which is what GitHub resolves annotation and SARIF paths
   * against (a job run from a monorepo's subfolder still attaches them).
   */
  root?: string;
  /** ANSI colors; when false the output has no escape codes at all. */
  color: boolean;
}

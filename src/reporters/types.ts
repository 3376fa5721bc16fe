export interface ReporterOptions {
  /** Paths are printed relative to this folder. */
  cwd: string;
  /** ANSI colors; when false the output has no escape codes at all. */
  color: boolean;
}

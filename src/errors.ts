/**
 * Operational failures. Findings (lint diagnostics, plan refusals listed by
 * `validate`) are data and never thrown; these are for the cases where a
 * command cannot go on. `run()` in src/cli is the one place that turns them
 * into messages and exit codes.
 */
export type ExitCode = 0 | 1 | 2;

export interface SourceLocation {
  /** Path as shown to the user (relative to the working directory where possible). */
  file: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** The file's text, when the error points into SQL: the CLI shows a code frame of `line` (as lint does). */
  source?: string;
}

export interface SqlmigErrorOptions {
  hint?: string;
  location?: SourceLocation;
  cause?: unknown;
}

export class SqlmigError extends Error {
  /** Stable, machine-readable identifier, e.g. `CONFIG_INVALID`. */
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly location?: SourceLocation;

  constructor(code: string, exitCode: ExitCode, message: string, options: SqlmigErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.location = options.location;
  }
}

/** Bad command-line usage: unknown option, missing argument. Exit 2. */
export class UsageError extends SqlmigError {
  constructor(message: string, options?: SqlmigErrorOptions) {
    super('USAGE', 2, message, options);
  }
}

/** `.migraterc.json` missing/invalid, bad --env, unusable migrations folder. Exit 2. */
export class ConfigError extends SqlmigError {
  constructor(message: string, options?: SqlmigErrorOptions, code = 'CONFIG_INVALID') {
    super(code, 2, message, options);
  }
}

/** A file that cannot be read or written. Exit 2. */
export class FileError extends SqlmigError {
  constructor(message: string, options?: SqlmigErrorOptions) {
    super('FILE_ERROR', 2, message, options);
  }
}

/** Server unreachable, bad credentials, missing database, lock not obtained in time. Exit 2. */
export class ConnectionError extends SqlmigError {
  constructor(message: string, options?: SqlmigErrorOptions, code = 'CONNECTION') {
    super(code, 2, message, options);
  }
}

/** A migration that failed on the server (rolled back). Exit 1. */
export class MigrationError extends SqlmigError {
  constructor(message: string, options?: SqlmigErrorOptions, code = 'MIGRATION_FAILED') {
    super(code, 1, message, options);
  }
}

/** The planner or the lint gate refused to run (edited/missing/out-of-order/dirty). Exit 1. */
export class RefusedError extends SqlmigError {
  constructor(message: string, options?: SqlmigErrorOptions, code = 'REFUSED') {
    super(code, 1, message, options);
  }
}

/** A command that a later milestone builds. Exit 2. */
export class NotImplementedError extends SqlmigError {
  constructor(command: string) {
    super('NOT_IMPLEMENTED', 2, `\`sqlmig ${command}\` is not available in this version yet`);
  }
}

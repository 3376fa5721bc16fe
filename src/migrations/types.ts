export type Direction = 'up' | 'down';

/** One file whose name matches the grammar `NNNN_name.(up|down).sql`. */
export interface MigrationFile {
  version: number;
  name: string;
  direction: Direction;
  /** Base name, e.g. `0001_create_users.up.sql`. */
  fileName: string;
  /** Absolute path. */
  path: string;
}

/**
 * An up/down pair. Either side may be missing: a missing down is lint's
 * `require-down`; a missing up is also reported as an `orphan-down` problem.
 */
export interface Migration {
  version: number;
  name: string;
  up?: MigrationFile;
  down?: MigrationFile;
}

export type FileProblemKind = 'bad-name' | 'duplicate-version' | 'orphan-down' | 'broken-symlink';

/** Something wrong with the set of files, returned as data (never skipped silently). */
export interface FileProblem {
  kind: FileProblemKind;
  /** Absolute path of the offending file. */
  path: string;
  message: string;
  hint?: string;
}

export interface MigrationSet {
  /** Absolute path of the migrations folder. */
  dir: string;
  /**
   * Sorted by version (numerically). Of several files claiming one version,
   * the pair of the first up file by name is kept; the others are problems.
   */
  migrations: Migration[];
  /** Sorted by file path. */
  problems: FileProblem[];
  /**
   * Files whose version's migration lacks their direction but whose name differs from it
   * (`0005_b.down.sql` beside `0005_a.up.sql`): never run (a `duplicate-version` problem says
   * so), but linted as that migration's file so their SQL is checked too.
   */
  mismatched?: MigrationFile[];
}

/** The content of one file as read from disk. */
export interface MigrationSource {
  file: MigrationFile;
  /** UTF-8 decoded text (a leading BOM removed). */
  text: string;
  /** sha256 hex of the bytes, CRLF read as LF (source.ts fileChecksum). */
  checksum: string;
  /** False when the bytes are not valid UTF-8 (text then holds U+FFFD replacements). */
  validUtf8: boolean;
  /** Parsed `-- sqlmig:` directives. */
  directives: Directives;
  /** Bytes read (a BOM and CRs included). */
  size: number;
}

/** A `-- sqlmig:<name>` comment; `name` lowercased, `line` 1-based. */
export interface DirectiveComment {
  name: string;
  line: number;
}

export interface Directives {
  /** `-- sqlmig:no-transaction` among the comments before the first statement. */
  noTransaction: boolean;
  /** Directives in the leading comments that sqlmig does not know (typos, e.g. `no_transaction`). */
  unknown: DirectiveComment[];
  /**
   * Directive comments after the first statement. They have no effect, and a
   * misplaced `no-transaction` would silently run the file in a transaction.
   */
  misplaced: DirectiveComment[];
}

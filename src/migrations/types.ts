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

/** An up/down pair (either side may be missing; lint reports that). */
export interface Migration {
  version: number;
  name: string;
  up?: MigrationFile;
  down?: MigrationFile;
}

export type FileProblemKind = 'bad-name' | 'duplicate-version' | 'orphan-down';

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
  /** Sorted by version (numerically). Duplicate versions keep the first file by name. */
  migrations: Migration[];
  problems: FileProblem[];
}

/** The content of one file as read from disk. */
export interface MigrationSource {
  file: MigrationFile;
  /** UTF-8 decoded text (a leading BOM removed). */
  text: string;
  /** sha256 hex of the raw bytes. */
  checksum: string;
  /** False when the bytes are not valid UTF-8 (text then holds U+FFFD replacements). */
  validUtf8: boolean;
  /** Parsed `-- sqlmig:` directives from the leading comment lines. */
  directives: Directives;
}

export interface Directives {
  noTransaction: boolean;
}

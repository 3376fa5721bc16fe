/**
 * Another migration tool's folder, read as the tool reads it: which files are migrations, in which
 * order, with which version, and which ones run outside a transaction. A layout module turns its
 * folder into this data and nothing else; convert.ts makes sqlmig files of it (for `import`, and
 * for linting and running the folder in place).
 */

/** One direction of one migration: where its SQL is in the tool's folder. */
export interface LayoutPart {
  /** Absolute path of the file holding the SQL. */
  path: string;
  /** The SQL exactly as sqlmig takes it: the file's bytes, or its section (goose, dbmate, …), templates filled. */
  text: string;
  /** 1-based line of `path` where `text` starts (2 or more for a single-file layout's down section). */
  firstLine: number;
  /** The tool runs this SQL outside a transaction (translated to `-- sqlmig:no-transaction`). */
  noTransaction: boolean;
}

export interface LayoutMigration {
  /** The version as the tool spells it (`2019-02-26-002946` for diesel): exact, never a rounded number. */
  version: string;
  /** The digits sqlmig may keep as its version when they fit (diesel's without `-`); default: `version`. */
  number?: string;
  /** Its description, as the tool has it (slugified for sqlmig's file names). */
  name: string;
  up?: LayoutPart;
  down?: LayoutPart;
}

/** A file of the folder that is not converted; `import` lists every one, so nothing is dropped silently. */
export interface LeftOut {
  path: string;
  reason: string;
  /**
   * True for what needs a person (code migrations, repeatables, unknown templates, bad names);
   * false for the tool's own metadata and files the tool itself ignores.
   */
  needsAttention: boolean;
}

export interface LayoutFolder {
  /** The layout that read it. */
  layout: LayoutId;
  /** Absolute path. */
  dir: string;
  /** In the order the tool applies them. */
  migrations: LayoutMigration[];
  /** Sorted by path. */
  leftOut: LeftOut[];
}

/** The folder's entries, listed once and shared by every layout's detect(). */
export interface FolderListing {
  dir: string;
  /** Names of regular files (links followed), sorted. */
  files: string[];
  /** Names of subfolders, sorted. */
  folders: string[];
  /** Names of symbolic links that cannot be followed (missing target, a loop), sorted. */
  brokenLinks: string[];
  /** The folder's modification time when listed: a file added, removed or renamed since changes it. */
  modified: number;
}

export const LAYOUT_IDS = [
  'sqlmig',
  'golang-migrate',
  'sqlx',
  'concourse-migration',
  'rivermigrate',
  'authelia-storage',
  'dbmate',
  'goose',
  'flyway',
  'diesel',
  'prisma',
  'node-pg-migrate',
  'popx',
  'pop',
  'alembic',
] as const;

export type LayoutId = (typeof LAYOUT_IDS)[number];

/**
 * The layouts a folder can be linted and run in place with (config `layout`, `--layout`): all but Alembic's,
 * whose SQL is taken out of Python, so its lines are not the file's; `import --from alembic` converts it once.
 */
export const IN_PLACE_LAYOUT_IDS: readonly LayoutId[] = LAYOUT_IDS.filter((id) => id !== 'alembic');

export interface Layout {
  id: LayoutId;
  /** What `import` and `--help` say about it, e.g. `goose (one file per migration, -- +goose Up / Down)`. */
  description: string;
  /** Whether the folder unmistakably is this tool's (only signals sqlmig's own layout cannot show). */
  detect(listing: FolderListing): boolean;
  read(listing: FolderListing): LayoutFolder;
}

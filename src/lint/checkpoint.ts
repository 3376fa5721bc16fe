/**
 * A checkpoint of the sequence walk (written and read by the engine, kept by
 * the lint cache): everything the walk carries from one migration to the
 * next, after the first `position` files. That is the schema model, each
 * rule's walk state (`context.walkState`), and what the engine needs to know
 * about the files before it without reading them. The findings behind it are
 * kept apart, per migration (checkpoint-store.ts).
 *
 * A walk resumed from a checkpoint sees the files before it as lazy files:
 * their name, version and directives are at hand, and their text and
 * statements are read (and parsed, or taken from the parse cache) only if a
 * rule asks for them.
 */
import { NO_DIRECTIVES } from '../migrations/directives.js';
import type { Directives, MigrationFile, MigrationSource } from '../migrations/types.js';
import type { ParsedSql } from '../parse/types.js';
import { FORKABLE_SNAPSHOT_TYPES } from './forkable.js';
import type { LintFile } from './rule.js';
import { SchemaModel } from './schema.js';
import { readSnapshot, writeSnapshot, type SnapshotTypes } from './snapshot.js';

const SNAPSHOT_TYPES: SnapshotTypes = {
  classes: { SchemaModel, ...FORKABLE_SNAPSHOT_TYPES.classes },
  symbols: FORKABLE_SNAPSHOT_TYPES.symbols,
  // Spans: made by the parser, read and never changed.
  isValue: (value) => 'endColumn' in value && Object.getPrototypeOf(value) === Object.prototype,
};

/** The walk's state between two migrations. */
export interface WalkState {
  /** The schema model after the migrations walked. */
  schema: SchemaModel;
  /** Each enabled rule's walk state, by rule id. */
  rules: Map<string, object>;
}

/** What a checkpoint holds besides the walk state, all plain data. */
export interface CheckpointHead {
  /** How many files (in walk order) are behind it; always a migration boundary. */
  position: number;
  /** How many migrations are behind it. */
  migrationIndex: number;
  /** The directives of the files behind it, for those that have any (by path). */
  directives: Record<string, Directives>;
  /** The files behind it with a `sqlmig-disable` comment (their comments are read again at the end). */
  disables: string[];
  /** How many characters of SQL are behind it (what a walk from the start would read and walk again). */
  sqlLength: number;
}

export interface Checkpoint {
  head: CheckpointHead;
  state: WalkState;
}

/**
 * Whether a checkpoint of `schema` after `sqlLength` characters of SQL is
 * worth writing. Writing and reading back a snapshot costs in proportion to
 * the model (`snapshotWeight`, about 65–85 bytes of snapshot per unit); a
 * walk from the start, in proportion to the SQL behind it. Real projects keep
 * small models for their SQL: the 14 corpus projects' snapshots are 0.3–4×
 * their SQL and at most 0.6 MB. A generated set with a four-column table per
 * 155-byte migration makes 6×: its 9.5 MB snapshot took as long to read back
 * (lint after the newest migration was edited: 0.69 s) as walking all 10,000
 * files from the parse cache (0.72 s), and a cold lint 0.5 s to write it.
 */
export function worthACheckpoint(schema: SchemaModel, sqlLength: number): boolean {
  const largestWorth = Math.max(SMALL_SNAPSHOT, LARGEST_SNAPSHOT_PER_SQL * sqlLength);
  return SNAPSHOT_BYTES_PER_WEIGHT * schema.snapshotWeight(largestWorth / SNAPSHOT_BYTES_PER_WEIGHT) <= largestWorth;
}

/** Bytes of snapshot per unit of `snapshotWeight` (measured: 65 on the generated set, 85 on LemmyNet). */
const SNAPSHOT_BYTES_PER_WEIGHT = 75;
/** A snapshot this small costs less to read (tens of milliseconds) than a walk's start: the parser, the parse cache. */
const SMALL_SNAPSHOT = 1_000_000;
/** Above the small ones: at most this many bytes of snapshot per character of SQL behind it. */
const LARGEST_SNAPSHOT_PER_SQL = 3;

/** One line of plain JSON for the head, then the state's snapshot; files are written as their path. */
export function writeCheckpoint(checkpoint: Checkpoint, fileIds: ReadonlyMap<object, string>): string {
  const state = writeSnapshot(checkpoint.state, SNAPSHOT_TYPES, (value) => fileIds.get(value));
  return `${JSON.stringify(checkpoint.head)}\n${state}`;
}

/** Reads what writeCheckpoint wrote; `file` gives the walk's file for a path. Throws on anything it cannot read. */
export function readCheckpoint(text: string, file: (path: string) => LintFile): Checkpoint {
  const newline = text.indexOf('\n');
  if (newline < 0) throw new Error('checkpoint has no state');
  const head = JSON.parse(text.slice(0, newline)) as CheckpointHead;
  const state = readSnapshot(text.slice(newline + 1), SNAPSHOT_TYPES, (path) => file(path)) as WalkState;
  if (!(state.schema instanceof SchemaModel) || !(state.rules instanceof Map)) throw new Error('checkpoint state is not a walk state');
  return { head, state };
}

/**
 * A file behind the checkpoint: its text is read on first use (a report about
 * the whole file needs it), its statements, parse errors and comments are
 * parsed (or taken from the parse cache) on first use; everything else is at hand.
 */
export function lazyFile(
  file: MigrationFile,
  directives: Directives | undefined,
  read: () => MigrationSource,
  parse: (source: MigrationSource) => ParsedSql,
): LintFile {
  let source: MigrationSource | undefined;
  let parsed: ParsedSql | undefined;
  const text = () => (source ??= read()).text;
  const get = () => (parsed ??= parse((source ??= read())));
  const lintFile = {
    path: file.path,
    fileName: file.fileName,
    version: file.version,
    name: file.name,
    direction: file.direction,
    directives: directives ?? NO_DIRECTIVES,
  };
  return Object.defineProperties(lintFile, {
    text: { get: text, enumerable: true },
    statements: { get: () => get().statements, enumerable: true },
    parseErrors: { get: () => get().errors, enumerable: true },
    comments: { get: () => get().comments, enumerable: true },
  }) as LintFile;
}

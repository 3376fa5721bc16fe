import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FileError, UsageError } from '../errors.js';
import { discoverMigrations, migrationFiles } from './discover.js';
import { slugify } from './filename.js';
import { errnoCode, fsErrorReason } from './fs-error.js';
import { readMigrationSources } from './source.js';
import { SUM_FILE_NAME, readSumFile, writeSumFile } from './sum.js';
import { downTemplate, upTemplate } from './templates.js';
import type { Direction, MigrationFile } from './types.js';

const MAX_SLUG_LENGTH = 60;
const MIN_VERSION_WIDTH = 4;

export interface CreatedMigration {
  up: string;
  down: string;
  /** Path of the updated sqlmig.sum. */
  sum: string;
}

/**
 * Creates the next `NNNN_slug.up.sql` / `.down.sql` pair and records both in
 * sqlmig.sum. An existing sum only gains the two new entries: `new` never
 * records someone's edit of another file (that takes a deliberate
 * `sqlmig hash`). Without a sum, one is written for every file. `now`
 * (default: the current time) numbers the pair when the folder uses
 * timestamp versions. `content` (default: the commented templates) writes
 * the files' text (`sqlmig diff` drafts them).
 */
export interface MigrationContent {
  up(fileName: string, description: string): string;
  down(fileName: string, upFileName: string): string;
}

export async function createMigration(
  dir: string,
  description: string,
  options: { now?: Date; content?: MigrationContent } = {},
): Promise<CreatedMigration> {
  const slug = migrationSlug(description);
  const set = discoverMigrations(dir);
  const sum = readSumFile(set.dir);
  const firstProblem = sum?.problems[0];
  if (sum && firstProblem) {
    throw new ConfigError(`cannot add the new files to ${SUM_FILE_NAME}: ${firstProblem.message}`, {
      location: { file: sum.path, line: firstProblem.line },
      hint: firstProblem.hint,
    });
  }

  const files = migrationFiles(set);
  // Read before creating anything, so that an unreadable file leaves the folder untouched.
  const checksums = sum
    ? new Map(sum.entries)
    : new Map(readMigrationSources(files).map((source) => [source.file.fileName, source.checksum]));
  const { version, digits } = nextVersion(files, options.now ?? new Date());
  const newFile = (direction: Direction): MigrationFile => {
    const fileName = `${digits}_${slug}.${direction}.sql`;
    return { version, name: slug, direction, fileName, path: join(set.dir, fileName) };
  };
  const up = newFile('up');
  const down = newFile('down');
  // One line, so that a description with line breaks cannot put statements into the template.
  const title = description.replace(/\s+/g, ' ').trim();
  const content = options.content ?? { up: upTemplate, down: downTemplate };
  await createFile(up, content.up(up.fileName, title));
  try {
    await createFile(down, content.down(down.fileName, up.fileName));
  } catch (error) {
    await rm(up.path, { force: true });
    throw error;
  }

  // A stale entry of a deleted file may carry one of the new names: the new file wins.
  for (const source of readMigrationSources([up, down])) checksums.set(source.file.fileName, source.checksum);
  const sumPath = writeSumFile(
    set.dir,
    [...checksums].map(([fileName, checksum]) => ({ file: { fileName }, checksum })),
  );
  return { up: up.path, down: down.path, sum: sumPath };
}

/** The name part of a new file: slugify(description), at most 60 characters, cut at a word boundary. */
export function migrationSlug(description: string): string {
  const slug = slugify(description);
  if (slug === '') {
    throw new UsageError('the description must contain letters or digits', {
      hint: 'describe the change, e.g. sqlmig new "add status to users"',
    });
  }
  if (slug.length <= MAX_SLUG_LENGTH) return slug;
  const cut = slug.slice(0, MAX_SLUG_LENGTH);
  const lastBoundary = cut.lastIndexOf('_');
  const endsInsideWord = slug[MAX_SLUG_LENGTH] !== '_' && lastBoundary > 0;
  return (endsInsideWord ? cut.slice(0, lastBoundary) : cut).replace(/_+$/, '');
}

/**
 * The next version: when the newest is a timestamp (YYYYMMDDHHMMSS), the
 * current UTC time, so versions made on different branches sort by when they
 * were made (still above the newest, should a clock be behind); else highest
 * + 1, zero-padded to 4 digits or to the widest existing version.
 */
function nextVersion(files: readonly MigrationFile[], now: Date): { version: number; digits: string } {
  let highest = 0;
  let width = MIN_VERSION_WIDTH;
  let newest: MigrationFile | undefined;
  for (const file of files) {
    if (file.version >= highest) newest = file;
    highest = Math.max(highest, file.version);
    width = Math.max(width, file.fileName.indexOf('_'));
  }
  const next = newest !== undefined && isTimestamp(newest) ? Math.max(highest + 1, Number(utcTimestamp(now))) : highest + 1;
  if (next > Number.MAX_SAFE_INTEGER) {
    throw new ConfigError(`cannot number a new migration: version ${highest} is the largest supported`, {
      hint: 'renumber the migrations with smaller versions',
    });
  }
  return { version: next, digits: String(next).padStart(width, '0') };
}

/** A version written as YYYYMMDDHHMMSS with a plausible date and time (as dbmate, golang-migrate and Rails name them). */
function isTimestamp(file: MigrationFile): boolean {
  const digits = file.fileName.slice(0, file.fileName.indexOf('_'));
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(digits);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  return year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59;
}

/** `20260131120000` for 2026-01-31 12:00:00 UTC. */
function utcTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/\D/g, '');
}

async function createFile(file: MigrationFile, content: string): Promise<void> {
  try {
    // `wx`: never overwrite, even if another `sqlmig new` raced us to this name.
    await writeFile(file.path, content, { flag: 'wx' });
  } catch (error) {
    const reason = errnoCode(error) === 'EEXIST' ? 'it already exists' : fsErrorReason(error);
    throw new FileError(`cannot create ${file.fileName}: ${reason}`, { location: { file: file.path }, cause: error });
  }
}

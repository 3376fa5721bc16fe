/**
 * The header of a schema dump: which migration files it came from, so that
 * lint can tell a stale dump without a database. Only up files count (a
 * down file does not change the schema the migrations produce), each as its
 * sqlmig.sum entry line (`<sha256>  <file name>`), in version order.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { FileError } from '../errors.js';
import { errnoCode, fsErrorReason } from './fs-error.js';

export interface DumpOrigin {
  /** sha256 hex of the up files' entry lines (see migrationsDigest). */
  digest: string;
  /** The newest version the dump includes; null when it is empty. */
  to: number | null;
}

export interface ChecksummedUpFile {
  version: number;
  fileName: string;
  /** sha256 hex of the file (CRLF read as LF), as in sqlmig.sum. */
  checksum: string;
}

/** The digest of the up files up to `to` (all when undefined). */
export function migrationsDigest(files: readonly ChecksummedUpFile[], to?: number | null): DumpOrigin {
  const chosen = files.filter((f) => to === undefined || to === null || f.version <= to).sort((a, b) => a.version - b.version);
  const lines = chosen.map((f) => `${f.checksum}  ${f.fileName}\n`).join('');
  return { digest: createHash('sha256').update(lines).digest('hex'), to: chosen.at(-1)?.version ?? null };
}

const ORIGIN_LINE = /^-- sqlmig:dump migrations=([0-9a-f]{64}) to=(\d+|none)$/;

/** The first lines of a dump: what it is, and the origin line lint reads. */
export function dumpHeader(origin: DumpOrigin, dir: string): string {
  const to = origin.to === null ? 'none' : String(origin.to);
  return [
    `-- The schema that the migrations in ${dir} produce${origin.to === null ? ' (there are none yet)' : `, up to ${String(origin.to).padStart(4, '0')}`}.`,
    '-- Written by `sqlmig dump`; `sqlmig lint` reports it when the migrations no longer match the line below.',
    `-- sqlmig:dump migrations=${origin.digest} to=${to}`,
  ].join('\n');
}

/** The origin recorded in a dump's header, with its 1-based line; null when there is no origin line. */
export function readDumpOrigin(text: string): (DumpOrigin & { line: number }) | null {
  const lines = text.split('\n', 20);
  for (let index = 0; index < lines.length; index++) {
    const match = ORIGIN_LINE.exec(lines[index]!.replace(/\r$/, ''));
    if (match) return { digest: match[1]!, to: match[2] === 'none' ? null : Number(match[2]), line: index + 1 };
  }
  return null;
}

/** Writes a dump in one step (a reader never sees half a file). */
export function writeDumpFile(path: string, sql: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, sql);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new FileError(`cannot write ${path}: ${fsErrorReason(error)}`, { location: { file: path }, cause: error });
  }
}

/** A dump file's text; null when there is none. */
export function readDumpFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw new FileError(`cannot read ${path}: ${fsErrorReason(error)}`, { location: { file: path }, cause: error });
  }
}

import * as crypto from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { FileError } from '../errors.js';
import { parseDirectives } from './directives.js';
import { fsErrorReason } from './fs-error.js';
import type { MigrationFile, MigrationSource } from './types.js';

// Both decoders drop a leading BOM (ignoreBOM: false), which is what we want.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Reads one file: checksum (see fileChecksum), decoded text, directives. */
export function readMigrationSource(file: MigrationFile): MigrationSource {
  return readSource(file).source;
}

/**
 * The checksum the checksum cache holds for `file` if the stats of the open
 * file prove it unchanged since (see checksum-cache.ts); undefined otherwise.
 */
export type KnownChecksum = (file: MigrationFile, stats: Stats) => string | undefined;

/**
 * Reads files in order. Synchronous on purpose: migration files are small
 * and many, and fs/promises' readFile costs several thread-pool round trips
 * per file (100,000 files: 10 s with 32 in flight, 0.7 s like this).
 * A file whose checksum `known` gives is not hashed again.
 */
export function readMigrationSources(files: readonly MigrationFile[], known?: KnownChecksum): MigrationSource[] {
  return files.map((file) => readSource(file, known).source);
}

/** As readMigrationSources, with each file's stats taken from the open file before its bytes were read (the checksum cache records them). */
export function readMigrationSourcesWithStats(files: readonly MigrationFile[]): Array<{ source: MigrationSource; stats: Stats }> {
  return files.map((file) => readSource(file));
}

function readSource(file: MigrationFile, known?: KnownChecksum): { source: MigrationSource; stats: Stats } {
  let bytes: Buffer;
  let stats: Stats;
  try {
    const fd = openSync(file.path, 'r');
    try {
      stats = fstatSync(fd);
      bytes = readAll(fd, stats.size);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new FileError(`cannot read the migration file: ${fsErrorReason(error)}`, {
      location: { file: file.path },
      hint: 'check that the file exists and is readable, then run sqlmig again',
      cause: error,
    });
  }
  const checksum = known?.(file, stats) ?? fileChecksum(bytes);
  let text: string;
  let validUtf8 = true;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    validUtf8 = false;
    text = lenientUtf8.decode(bytes);
  }
  return { source: { file, text, checksum, validUtf8, directives: parseDirectives(text), size: bytes.length }, stats };
}

/**
 * The file's bytes, read into a buffer one byte larger than `size` (what
 * fstat said) so that one read reaches the end: readFileSync on the
 * descriptor takes a second fstat for the size (10,000 files: ~25 ms of a
 * lint). A file that grew since the fstat is read on to its end.
 */
function readAll(fd: number, size: number): Buffer {
  let buffer = Buffer.allocUnsafe(size + 1);
  let length = 0;
  for (;;) {
    const read = readSync(fd, buffer, length, buffer.length - length, null);
    length += read;
    if (read === 0 || length < buffer.length) return buffer.subarray(0, length);
    const larger = Buffer.allocUnsafe(buffer.length * 2);
    buffer.copy(larger, 0, 0, length);
    buffer = larger;
  }
}

/**
 * sha256 hex of the bytes with every CRLF turned into LF, so that a checkout
 * with git's autocrlf (Windows) has the same checksums as the one the
 * migrations were applied from. Sums recorded from raw CRLF bytes before
 * this are still accepted: see line-endings.ts.
 */
function fileChecksum(bytes: Buffer): string {
  return sha256Hex(withLf(bytes));
}

/**
 * crypto.hash, the one-shot digest (Node 20.12 and later), costs less per
 * small file than a Hash object (10,000 files: ~15 ms); older Node 20 has
 * only createHash.
 */
function sha256Hex(data: Buffer): string {
  // Asked here, not when the module loads: the bundle loads node:crypto on first use (scripts/bundle.mjs).
  return typeof crypto.hash === 'function' ? crypto.hash('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

const CRLF = Buffer.from('\r\n');

/** `bytes` with CRLF → LF; `bytes` itself when it has none (the common case costs one scan). */
export function withLf(bytes: Buffer): Buffer {
  let at = bytes.indexOf(CRLF);
  if (at < 0) return bytes;
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  let from = 0;
  while (at >= 0) {
    length += bytes.copy(out, length, from, at);
    from = at + 1; // keeps the LF
    at = bytes.indexOf(CRLF, from);
  }
  length += bytes.copy(out, length, from);
  return out.subarray(0, length);
}

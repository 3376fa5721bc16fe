import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { FileError } from '../errors.js';
import { parseDirectives } from './directives.js';
import { fsErrorReason } from './fs-error.js';
import type { MigrationFile, MigrationSource } from './types.js';

/** Enough to keep the disk busy without running into the open-file limit on large folders. */
const DEFAULT_CONCURRENCY = 32;

// Both decoders drop a leading BOM (ignoreBOM: false), which is what we want.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Reads one file: checksum of the raw bytes, decoded text, directives. */
export async function readMigrationSource(file: MigrationFile): Promise<MigrationSource> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file.path);
  } catch (error) {
    throw new FileError(`cannot read the migration file: ${fsErrorReason(error)}`, {
      location: { file: file.path },
      hint: 'check that the file exists and is readable, then run sqlmig again',
      cause: error,
    });
  }
  const checksum = createHash('sha256').update(bytes).digest('hex');
  let text: string;
  let validUtf8 = true;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    validUtf8 = false;
    text = lenientUtf8.decode(bytes);
  }
  return { file, text, checksum, validUtf8, directives: parseDirectives(text) };
}

/** Reads files in parallel (at most `concurrency` at a time); the result keeps the order of `files`. */
export async function readMigrationSources(
  files: readonly MigrationFile[],
  concurrency = DEFAULT_CONCURRENCY,
): Promise<MigrationSource[]> {
  const sources = new Array<MigrationSource>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      sources[index] = await readMigrationSource(files[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
  return sources;
}

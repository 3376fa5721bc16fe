import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FileError } from '../errors.js';
import { parseDirectives } from './directives.js';
import { fsErrorReason } from './fs-error.js';
import type { MigrationFile, MigrationSource } from './types.js';

// Both decoders drop a leading BOM (ignoreBOM: false), which is what we want.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Reads one file: checksum of the raw bytes, decoded text, directives. */
export async function readMigrationSource(file: MigrationFile): Promise<MigrationSource> {
  return readSource(file);
}

/**
 * Reads files in order. Synchronous on purpose: migration files are small
 * and many, and fs/promises' readFile costs several thread-pool round trips
 * per file (100,000 files: 10 s with 32 in flight, 0.7 s like this).
 */
export async function readMigrationSources(files: readonly MigrationFile[]): Promise<MigrationSource[]> {
  return files.map(readSource);
}

function readSource(file: MigrationFile): MigrationSource {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.path);
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

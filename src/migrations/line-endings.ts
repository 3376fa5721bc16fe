/**
 * Checksums are taken with CRLF turned into LF (source.ts fileChecksum).
 * Tracking rows and sqlmig.sum lines written before that hold the sha256 of
 * the raw bytes, which for a file checked out with CRLF is the CRLF form.
 * A recorded sum that is neither is only looked at again here, so the
 * common path reads nothing twice.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { withLf } from './source.js';

/** Whether `recorded` is the checksum of the file at `path` under either line-ending convention (or of its raw bytes). */
export function recordedMatches(recorded: string, current: string, path: string): boolean {
  if (recorded === current) return true;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return false; // reading it for the run reports the problem
  }
  const lf = withLf(bytes);
  // Only forms of the content `current` stands for (it may come from the checksum cache).
  if (sha256(lf) !== current) return false;
  const crlf = Buffer.from(lf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  return [bytes, crlf].some((form) => sha256(form) === recorded);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

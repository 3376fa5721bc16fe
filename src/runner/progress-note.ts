/**
 * How far a no-transaction file got, kept on this machine as its statements
 * complete (`<cacheDir>/progress.json`): when the connection or the runner
 * dies half way, the dirty row alone does not say which statements ran, and
 * nothing more can be written to the server. Best effort, like the cache.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readCacheFile, writeCacheFile } from '../migrations/checksum-cache.js';
import type { TrackingTable } from './tracking.js';

export interface Progress {
  /** Statements that returned. */
  completed: number;
  total: number;
  /** 1-based line of the last statement that returned; null before the first. */
  lastLine: number | null;
  /** Line of the statement running when the note was written last (the next one), null when all returned. */
  runningLine: number | null;
}

const FILE_NAME = 'progress.json';

export class ProgressNotes {
  constructor(
    private readonly cacheDir: string,
    private readonly table: TrackingTable,
  ) {}

  record(version: number, progress: Progress): void {
    const notes = this.readAll();
    notes[this.key(version)] = progress;
    writeCacheFile(this.cacheDir, FILE_NAME, JSON.stringify(notes));
  }

  clear(version: number): void {
    const notes = this.readAll();
    if (!(this.key(version) in notes)) return;
    delete notes[this.key(version)];
    if (Object.keys(notes).length === 0) rmSync(join(this.cacheDir, FILE_NAME), { force: true });
    else writeCacheFile(this.cacheDir, FILE_NAME, JSON.stringify(notes));
  }

  read(version: number): Progress | undefined {
    return this.readAll()[this.key(version)];
  }

  private key(version: number): string {
    return `${this.table.sql} ${version}`;
  }

  private readAll(): Record<string, Progress> {
    try {
      const parsed = JSON.parse(readCacheFile(join(this.cacheDir, FILE_NAME))) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, Progress>) : {};
    } catch {
      return {};
    }
  }
}

/** `statements 1–2 of 3 returned (the last at line 4)`, for messages and `status`. */
export function describeProgress(progress: Progress, file: string): string {
  const done =
    progress.completed === 0
      ? `none of its ${progress.total} statements returned`
      : `statements 1–${progress.completed} of ${progress.total} returned, the last at ${file}:${progress.lastLine}`;
  return progress.runningLine === null ? done : `${done}; the one at ${file}:${progress.runningLine} was running`;
}

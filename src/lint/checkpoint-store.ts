/**
 * Where the lint cache keeps checkpoints of the sequence walk
 * (`.sqlmig/cache/checkpoints/<key>`, see checkpoint.ts for what one holds).
 *
 * A checkpoint after the first `position` files (in walk order, always
 * between two migrations) is keyed by a hash chained over everything the
 * walk depends on up to there: the config and versions (`base`), then each
 * file's path and content hash. So a key still matches exactly when nothing
 * before the checkpoint changed, and an edit to version V leaves every
 * checkpoint before V usable. A run resumes from the last usable one.
 *
 * Which checkpoints a walk captures: before the newest migration (the newest
 * migration edited resumes there, and so does a new migration, one migration
 * earlier than it could), and near the middle of the sequence (a file in its
 * second half edited). Each costs a write of the schema model (megabytes for
 * thousands of tables), so there are two, and a walk writes one only when it
 * is worth it (`worthACheckpoint`); the cache does not make a store at all for
 * a first lint into an empty cache (cache.ts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { appendCacheFile, readCacheFile, writeCacheFile, type FileDigest } from '../migrations/checksum-cache.js';
import type { MigrationFile } from '../migrations/types.js';
import type { Finding } from './diagnostic.js';
import { compareFiles } from './order.js';

/** Where, as a share of the files, the checkpoint in the middle goes. */
const MIDDLE = 0.5;
/** The findings of each migration, one line each: `<key after it> <JSON array>`. */
const FINDINGS_FILE = 'findings.jsonl';
const KEY_LENGTH = 64;
/** Usable checkpoints kept beyond the wanted ones (the most recent positions first). */
const SPARE = 2;

export interface ResumePoint {
  /** How many files (in walk order) are behind it. */
  position: number;
  text: string;
  /** The files behind it, in walk order. */
  behind: readonly MigrationFile[];
}

export class CheckpointStore {
  /** Every file, in walk order. */
  readonly files: readonly MigrationFile[];
  /** `keys[p]`: the key of a checkpoint after the first p files; hashed on first use (see `keys`). */
  private chain: string[] | undefined;
  /** Positions between two migrations (after the last file included). */
  private readonly boundaries: number[];
  private readonly stored: Set<string>;
  private readonly wantedPositions: Set<number>;
  /** The findings log by key, read when first needed; and the lines this run added. */
  private log: Map<string, string> | undefined;
  private readonly added: string[] = [];
  /** The findings of each migration this run walked, by the position after it: logged at the end, only behind a checkpoint. */
  private readonly walked = new Map<number, Finding[]>();
  /** The key of the checkpoint resumePoint offered. */
  private offered: string | undefined;

  private readonly sorted: readonly FileDigest[];
  private readonly base: string;

  /** `dir`: the checkpoints folder; `base`: the hash of everything but the files that the walk depends on. */
  constructor(
    private readonly dir: string,
    base: string,
    digests: readonly FileDigest[],
  ) {
    const sorted = [...digests].sort((a, b) => compareFiles(a.file, b.file));
    this.files = sorted.map((digest) => digest.file);
    this.sorted = sorted;
    this.base = base;
    this.boundaries = [];
    for (let position = 1; position <= sorted.length; position++) {
      if (position === sorted.length || sorted[position]!.file.version !== sorted[position - 1]!.file.version) this.boundaries.push(position);
    }
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    // The folder also holds its .gitignore and files being written.
    this.stored = new Set(names.filter((name) => /^[0-9a-f]{64}$/.test(name)));
    this.wantedPositions = this.chosenPositions();
  }

  /**
   * The chained keys, hashed when first needed: a walk with no checkpoint
   * stored that keeps none (a model too large to be worth one) never needs
   * them (10,000 files: ~20 ms of hashing).
   */
  private get keys(): readonly string[] {
    if (this.chain) return this.chain;
    const keys = [this.base];
    for (const digest of this.sorted) {
      keys.push(createHash('sha256').update(`${keys[keys.length - 1]!}\0${digest.file.path}\0${digest.checksum}\0${digest.validUtf8}`).digest('hex'));
    }
    return (this.chain = keys);
  }

  /** The last usable checkpoint, if any. */
  resumePoint(): ResumePoint | undefined {
    if (this.stored.size === 0) return undefined;
    for (let index = this.boundaries.length - 1; index >= 0; index--) {
      const position = this.boundaries[index]!;
      const key = this.keys[position]!;
      if (!this.stored.has(key)) continue;
      let text: string;
      try {
        text = readCacheFile(join(this.dir, key));
      } catch {
        continue;
      }
      this.offered = key;
      return { position, text, behind: this.files.slice(0, position) };
    }
    return undefined;
  }

  /**
   * Every finding behind `position`, from the findings log; undefined when
   * some migration's entry is missing or unreadable (then the walk starts over).
   */
  findingsBehind(position: number): Finding[] | undefined {
    const log = this.readLog();
    const findings: Finding[] = [];
    for (const boundary of this.boundaries) {
      if (boundary > position) break;
      const key = this.keys[boundary]!;
      const line = log.get(key);
      if (line === undefined) return undefined;
      let entry: unknown;
      try {
        entry = JSON.parse(line.slice(KEY_LENGTH + 1));
      } catch {
        entry = undefined;
      }
      if (!Array.isArray(entry)) {
        // Recorded again by the walk from the start (a later line of a key replaces an earlier one).
        log.delete(key);
        return undefined;
      }
      for (const finding of entry as Finding[]) findings.push(finding);
    }
    return findings;
  }

  /**
   * The findings of the migration that ends after `position` files. They are
   * written to the log at the end, and only if a checkpoint behind which they
   * are is kept: a walk that keeps none (a model too large to be worth one)
   * serialises none.
   */
  record(position: number, findings: Finding[]): void {
    this.walked.set(position, findings);
  }

  /** Where the walk started: 0 when it could not resume (the checkpoint it was offered is then written again). */
  started(position: number): void {
    if (position === 0 && this.offered !== undefined) this.stored.delete(this.offered);
  }

  /** Whether a walk should capture a checkpoint after `position` files: one of the chosen, not stored yet. */
  wanted(position: number): boolean {
    return this.wantedPositions.has(position) && (this.stored.size === 0 || !this.stored.has(this.keys[position]!));
  }

  save(position: number, text: string): void {
    const key = this.keys[position]!;
    writeCacheFile(this.dir, key, text);
    this.stored.add(key);
  }

  /**
   * Writes the findings this run added: appended, or the log rewritten with
   * only the current files' entries once stale ones outnumber them. Then
   * removes the checkpoints no key matches any more, and usable ones beyond the
   * chosen and a few spare.
   */
  prune(): void {
    // Nothing stored, nothing saved: nothing to log or remove.
    if (this.stored.size === 0) return;
    this.logWalked();
    if (this.added.length > 0 && this.log) {
      const live = this.boundaries.map((position) => this.log!.get(this.keys[position]!)).filter((line) => line !== undefined);
      try {
        // A new log, or one mostly stale: written whole (writeCacheFile also makes the folder).
        if (this.log.size === this.added.length || this.log.size > 2 * live.length) writeCacheFile(this.dir, FINDINGS_FILE, `${live.join('\n')}\n`);
        else appendCacheFile(join(this.dir, FINDINGS_FILE), `${this.added.join('\n')}\n`);
      } catch {
        // Best effort: a log that cannot be written means walking from the start next time.
      }
    }
    const usable = new Map<string, number>();
    for (const position of this.boundaries) usable.set(this.keys[position]!, position);
    let spare = SPARE;
    const byPosition = [...this.stored].sort((a, b) => (usable.get(b) ?? -1) - (usable.get(a) ?? -1));
    for (const key of byPosition) {
      const position = usable.get(key);
      if (position !== undefined && (this.wantedPositions.has(position) || spare-- > 0)) continue;
      rmSync(join(this.dir, key), { force: true });
    }
  }

  /** Adds the walked migrations' findings behind the last stored checkpoint to the log (an entry is written once per key). */
  private logWalked(): void {
    let last = 0;
    for (const position of this.boundaries) if (this.stored.has(this.keys[position]!)) last = position;
    if (last === 0 || this.walked.size === 0) return;
    const log = this.readLog();
    for (const [position, findings] of this.walked) {
      const key = this.keys[position]!;
      if (position > last || log.has(key)) continue;
      const line = `${key} ${JSON.stringify(findings)}`;
      log.set(key, line);
      this.added.push(line);
    }
  }

  private readLog(): Map<string, string> {
    if (this.log) return this.log;
    this.log = new Map();
    let text = '';
    try {
      text = readCacheFile(join(this.dir, FINDINGS_FILE));
    } catch {
      return this.log;
    }
    for (const line of text.split('\n')) if (line.charAt(KEY_LENGTH) === ' ') this.log.set(line.slice(0, KEY_LENGTH), line);
    return this.log;
  }

  private chosenPositions(): Set<number> {
    const { boundaries } = this;
    const chosen = new Set<number>();
    // Before the newest migration: the last boundary is after it.
    if (boundaries.length >= 2) chosen.add(boundaries[boundaries.length - 2]!);
    const middle = boundaries.find((position) => position >= this.files.length * MIDDLE);
    if (middle !== undefined && middle < this.files.length) chosen.add(middle);
    return chosen;
  }
}

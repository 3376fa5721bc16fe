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
 * Which checkpoints a walk captures: after the last migration (a new
 * migration resumes there), after the one before it (the newest migration
 * edited), and near each quarter of the sequence (a file in the middle
 * edited re-walks at most a quarter more than it must). Each costs a write of
 * the schema model, so there are few.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeCacheFile, type FileDigest } from '../migrations/checksum-cache.js';
import type { MigrationFile } from '../migrations/types.js';
import { compareFiles } from './order.js';

const QUARTERS = [0.25, 0.5, 0.75];
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
  /** `keys[p]`: the key of a checkpoint after the first p files. */
  private readonly keys: string[];
  /** Positions between two migrations (after the last file included). */
  private readonly boundaries: number[];
  private readonly stored: Set<string>;
  private readonly wantedPositions: Set<number>;

  /** `dir`: the checkpoints folder; `base`: the hash of everything but the files that the walk depends on. */
  constructor(
    private readonly dir: string,
    base: string,
    digests: readonly FileDigest[],
  ) {
    const sorted = [...digests].sort((a, b) => compareFiles(a.file, b.file));
    this.files = sorted.map((digest) => digest.file);
    this.keys = [base];
    for (const digest of sorted) {
      const previous = this.keys[this.keys.length - 1]!;
      this.keys.push(
        createHash('sha256').update(`${previous}\0${digest.file.path}\0${digest.checksum}\0${digest.validUtf8}`).digest('hex'),
      );
    }
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

  /** The last usable checkpoint, if any. */
  resumePoint(): ResumePoint | undefined {
    for (let index = this.boundaries.length - 1; index >= 0; index--) {
      const position = this.boundaries[index]!;
      const key = this.keys[position]!;
      if (!this.stored.has(key)) continue;
      let text: string;
      try {
        text = readFileSync(join(this.dir, key), 'utf8');
      } catch {
        continue;
      }
      return { position, text, behind: this.files.slice(0, position) };
    }
    return undefined;
  }

  /** Whether a walk should capture a checkpoint after `position` files: one of the chosen, not stored yet. */
  wanted(position: number): boolean {
    return this.wantedPositions.has(position) && !this.stored.has(this.keys[position]!);
  }

  save(position: number, text: string): void {
    const key = this.keys[position]!;
    writeCacheFile(this.dir, key, text);
    this.stored.add(key);
  }

  /** Removes the checkpoints no key matches any more, and usable ones beyond the chosen and a few spare. */
  prune(): void {
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

  private chosenPositions(): Set<number> {
    const { boundaries } = this;
    const chosen = new Set<number>(boundaries.slice(-2));
    const total = this.files.length;
    for (const quarter of QUARTERS) {
      const at = boundaries.find((position) => position >= total * quarter);
      if (at !== undefined) chosen.add(at);
    }
    return chosen;
  }
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverMigrations, migrationFiles } from '../discover.js';
import { slugify } from '../filename.js';
import { migrationSlug } from '../scaffold.js';
import { readMigrationSources } from '../source.js';
import { writeSumFile } from '../sum.js';
import type { Direction } from '../types.js';
import type { LayoutFolder, LayoutPart } from './types.js';

/** What sqlmig puts first in a file the tool ran outside a transaction (DESIGN.md §1). */
const NO_TRANSACTION_LINE = '-- sqlmig:no-transaction\n';

/** One sqlmig file made from a layout's migration. */
export interface ConvertedFile {
  fileName: string;
  version: number;
  /** The tool's own version (`2019-02-26-002946`). */
  sourceVersion: string;
  direction: Direction;
  /** The tool's SQL byte for byte, after the no-transaction line when the tool runs it outside a transaction. */
  content: string;
  origin: Origin;
}

/** Where a converted file's lines are in the tool's folder. */
export interface Origin {
  path: string;
  /** The original line of this file's line n is n + lineDelta; the added no-transaction line maps to the part's first line. */
  lineDelta: number;
  /** 1 when the no-transaction line was added. */
  addedLines: number;
}

export interface Conversion {
  folder: LayoutFolder;
  /** Up before down, in the tool's order. */
  files: ConvertedFile[];
  /** Why the tool's versions could not be kept as sqlmig versions (then they are numbered 1, 2, …), or undefined. */
  renumbered?: string;
}

/**
 * sqlmig files for a layout's migrations, in the tool's order. The tool's versions are kept when
 * sqlmig can: whole numbers from 1 to 2^53 - 1, distinct, whose numeric order is the tool's;
 * otherwise every migration is numbered 1, 2, … in the tool's order (and `renumbered` says why),
 * so that order and identity are never approximated.
 */
export function convertLayout(folder: LayoutFolder): Conversion {
  const renumbered = whyRenumber(folder);
  const width = Math.max(4, String(folder.migrations.length).length);
  const files: ConvertedFile[] = [];
  folder.migrations.forEach((migration, index) => {
    const digits = renumbered === undefined ? (migration.number ?? migration.version) : String(index + 1).padStart(width, '0');
    const slug = slugify(migration.name) === '' ? 'migration' : migrationSlug(migration.name);
    for (const direction of ['up', 'down'] as const) {
      const part = migration[direction];
      if (part) files.push(convertPart(part, { digits, slug, direction, sourceVersion: migration.version }));
    }
  });
  return { folder, files, ...(renumbered !== undefined ? { renumbered } : {}) };
}

function convertPart(part: LayoutPart, as: { digits: string; slug: string; direction: Direction; sourceVersion: string }): ConvertedFile {
  const marker = part.noTransaction && !part.text.startsWith(NO_TRANSACTION_LINE);
  const addedLines = marker ? 1 : 0;
  return {
    fileName: `${as.digits}_${as.slug}.${as.direction}.sql`,
    version: Number(as.digits),
    sourceVersion: as.sourceVersion,
    direction: as.direction,
    content: marker ? NO_TRANSACTION_LINE + part.text : part.text,
    origin: { path: part.path, lineDelta: part.firstLine - 1 - addedLines, addedLines },
  };
}

function whyRenumber(folder: LayoutFolder): string | undefined {
  let previous: bigint | undefined;
  for (const migration of folder.migrations) {
    const digits = migration.number ?? migration.version;
    if (!/^\d+$/.test(digits)) return `version ${migration.version} is not a whole number`;
    const value = BigInt(digits);
    if (value === 0n) return `version ${migration.version} is 0, which sqlmig reserves for "nothing applied"`;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) return `version ${migration.version} is larger than sqlmig's largest (${Number.MAX_SAFE_INTEGER})`;
    if (previous !== undefined && value <= previous) return `${folder.layout} orders version ${migration.version} after a larger or equal number`;
    previous = value;
  }
  return undefined;
}

/**
 * Writes the converted files into `dir` (created if missing) and, when asked, sqlmig.sum for them,
 * computed by the same code as `sqlmig hash`.
 */
export function writeConversion(conversion: Conversion, dir: string, options: { sum: boolean }): void {
  mkdirSync(dir, { recursive: true });
  for (const file of conversion.files) writeFileSync(join(dir, file.fileName), file.content);
  if (options.sum) {
    const set = discoverMigrations(dir);
    writeSumFile(dir, readMigrationSources(migrationFiles(set)));
  }
}

import { join } from 'node:path';
import { compareIntegers, leftOutFile, readText, sortLeftOut, splitAtMarker } from './folder.js';
import type { FolderListing, LayoutFolder, LayoutId, LayoutMigration, LeftOut } from './types.js';

/**
 * The layouts with one file per migration, its down section after a marker line (goose, dbmate,
 * node-pg-migrate): they differ in the markers and in how a file says it runs outside a transaction.
 */
export interface SingleFileRules {
  layout: LayoutId;
  /** Groups: version digits, name. */
  name: RegExp;
  /** A line that only the tool's files have (detection, and a file lacking it is left out). */
  upMarker: RegExp;
  downMarker: RegExp;
  /** Whether each direction runs outside a transaction, from the two sections' texts. */
  noTransaction(upText: string, downText: string | undefined, downMarker: string | undefined): { up: boolean; down: boolean };
  other(name: string): { reason: string; needsAttention: boolean };
}

export function readSingleFiles(listing: FolderListing, rules: SingleFileRules): LayoutFolder {
  const leftOut: LeftOut[] = [];
  const migrations: LayoutMigration[] = [];
  const seen = new Map<string, string>();
  for (const file of listing.files) {
    const match = rules.name.exec(file);
    if (!match) {
      const { reason, needsAttention } = rules.other(file);
      leftOut.push(leftOutFile(listing.dir, file, reason, needsAttention));
      continue;
    }
    const path = join(listing.dir, file);
    const version = match[1]!;
    const text = readText(path);
    if (!text.split('\n').some((line) => rules.upMarker.test(line))) {
      leftOut.push({ path, reason: `no up section marker (${rules.upMarker.source}): the tool refuses this file`, needsAttention: true });
      continue;
    }
    const first = seen.get(version);
    if (first !== undefined) {
      leftOut.push({ path, reason: `version ${version} is also ${first}`, needsAttention: true });
      continue;
    }
    seen.set(version, file);
    const halves = splitAtMarker(path, text, (line) => rules.downMarker.test(line));
    const noTransaction = rules.noTransaction(halves.upText, halves.downText, halves.downMarker);
    migrations.push({
      version,
      name: match[2]!,
      up: { ...halves.up, noTransaction: noTransaction.up },
      ...(halves.down ? { down: { ...halves.down, noTransaction: noTransaction.down } } : {}),
    });
  }
  migrations.sort((a, b) => compareIntegers(a.version, b.version));
  return { layout: rules.layout, dir: listing.dir, migrations, leftOut: sortLeftOut(leftOut) };
}

/** Whether the folder's first file of the name grammar has the tool's up marker (one file read). */
export function firstFileHas(listing: FolderListing, name: RegExp, marker: RegExp): boolean {
  // The suffix test first: in a sqlmig folder every name ends so, and a suffix is cheaper than the grammar's regex.
  const first = listing.files.find((file) => !file.endsWith('.up.sql') && !file.endsWith('.down.sql') && name.test(file));
  return first !== undefined && readText(join(listing.dir, first)).split('\n').some((line) => marker.test(line));
}

import { join } from 'node:path';
import { compareIntegers, leftOutFile, pairByVersion, readText, sortLeftOut, wholeFile } from './folder.js';
import type { FolderListing, LayoutFolder, LayoutId, LayoutPart, LeftOut } from './types.js';

/**
 * The layouts with one file per direction, `<version>_<name>.(up|down).sql` or close to it
 * (golang-migrate, sqlx, concourse, river, authelia, sqlmig): they differ only in the name
 * grammar, what is not a migration, and how a file's text becomes SQL.
 */
export interface VersionedFileRules {
  layout: LayoutId;
  /** Groups: version digits, name, direction. */
  name: RegExp;
  /** Why a file that does not match is left out, and whether a person must look at it. */
  other(name: string): { reason: string; needsAttention: boolean };
  /** The SQL sqlmig takes from a file's text (a template filled), and whether it runs outside a transaction. */
  sql?(text: string): { text: string; noTransaction: boolean } | { unconvertible: string };
}

export function readVersionedFiles(listing: FolderListing, rules: VersionedFileRules): LayoutFolder {
  const leftOut: LeftOut[] = [];
  const entries: Array<{ version: string; name: string; direction: 'up' | 'down'; part: LayoutPart }> = [];
  for (const file of listing.files) {
    const match = rules.name.exec(file);
    const path = join(listing.dir, file);
    if (!match) {
      const { reason, needsAttention } = rules.other(file);
      leftOut.push(leftOutFile(listing.dir, file, reason, needsAttention));
      continue;
    }
    let part: LayoutPart;
    if (rules.sql) {
      const sql = rules.sql(readText(path));
      if ('unconvertible' in sql) {
        leftOut.push({ path, reason: sql.unconvertible, needsAttention: true });
        continue;
      }
      part = { path, text: sql.text, firstLine: 1, noTransaction: sql.noTransaction };
    } else {
      part = wholeFile(path, false);
    }
    entries.push({ version: match[1]!, name: match[2]!, direction: match[3]!.toLowerCase() as 'up' | 'down', part });
  }
  const migrations = pairByVersion(entries, compareIntegers, leftOut);
  return { layout: rules.layout, dir: listing.dir, migrations, leftOut: sortLeftOut(leftOut) };
}

export const notSql = (name: string) =>
  /\.go$/.test(name)
    ? { reason: 'a Go migration (code): convert it to SQL by hand', needsAttention: true }
    : /\.sql$/i.test(name)
      ? { reason: 'the name does not follow the layout, so the tool does not run it', needsAttention: true }
      : { reason: 'not a migration file', needsAttention: false };

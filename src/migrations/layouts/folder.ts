import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';
import { FileError } from '../../errors.js';
import { fsErrorReason } from '../fs-error.js';
import type { FolderListing, LayoutMigration, LayoutPart, LeftOut } from './types.js';

/**
 * Lists a folder once: files and subfolders (links followed, dot entries skipped), sorted by code point.
 * Layout detection and discovery share one listing (detectFolder): on 10,000 files a listing costs ~12 ms.
 * `modifiedNow`: the folder's mtime, when the caller has just read it (discovery stats the folder first).
 */
export function listFolder(dir: string, modifiedNow?: number): FolderListing {
  const root = resolve(dir);
  const files: string[] = [];
  const folders: string[] = [];
  const brokenLinks: string[] = [];
  let entries: Dirent[];
  let modified: number;
  try {
    // Taken before the entries (or given by a caller that has just read it): a change while they are read
    // makes a later user list the folder again.
    modified = modifiedNow ?? statSync(root).mtimeMs;
    entries = readdirSync(root, { withFileTypes: true });
  } catch (error) {
    throw new FileError(`cannot list the migrations folder: ${fsErrorReason(error)}`, { location: { file: root }, cause: error });
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    // Only a symbolic link needs a stat (every command of a sqlmig project lists its folder here once).
    let kind: 'file' | 'folder' | undefined = entry.isFile() ? 'file' : entry.isDirectory() ? 'folder' : undefined;
    if (entry.isSymbolicLink()) {
      try {
        const stats = statSync(join(root, entry.name));
        kind = stats.isFile() ? 'file' : stats.isDirectory() ? 'folder' : undefined;
      } catch {
        brokenLinks.push(entry.name);
        continue;
      }
    }
    if (kind === 'file') files.push(entry.name);
    else if (kind === 'folder') folders.push(entry.name);
  }
  return { dir: root, files: files.sort(compareStrings), folders: folders.sort(compareStrings), brokenLinks: brokenLinks.sort(compareStrings), modified };
}

/**
 * `listing` if it is `dir`'s and no file was added, removed or renamed since it was taken (the folder's
 * mtime, `modified` when the caller has just read it), else a new listing.
 */
export function currentListing(dir: string, listing: FolderListing | undefined, modified?: number): FolderListing {
  const root = resolve(dir);
  if (listing?.dir === root) {
    try {
      if (listing.modified === (modified ?? statSync(root).mtimeMs)) return listing;
    } catch {
      // Gone since: listing it again says why.
    }
  }
  return listFolder(root, modified);
}

/**
 * A file's text with its bytes kept: UTF-8 decoding that keeps a BOM and (for valid UTF-8)
 * gives the same bytes back when written, which `import` promises.
 */
export function readText(path: string): string {
  try {
    return readFileSync(path).toString('utf8');
  } catch (error) {
    throw new FileError(`cannot read the migration file: ${fsErrorReason(error)}`, { location: { file: path }, cause: error });
  }
}

export function wholeFile(path: string, noTransaction: boolean, text = readText(path)): LayoutPart {
  return { path, text, firstLine: 1, noTransaction };
}

/** Lines with their terminators, so that joining them gives the text back byte for byte. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * A single-file layout's two halves: the up part is everything before the line that starts the
 * down section (the up marker included, as the tool leaves it in), the down part everything after
 * that line. Lines keep their numbers: the down part starts at the line after its marker.
 */
export function splitAtMarker(
  path: string,
  text: string,
  isDownMarker: (line: string) => boolean,
): { up: LayoutPart; down?: LayoutPart; upText: string; downText?: string; downMarker?: string } {
  const lines = splitLines(text);
  const at = lines.findIndex((line) => isDownMarker(line.replace(/\r?\n$/, '')));
  if (at < 0) return { up: { path, text, firstLine: 1, noTransaction: false }, upText: text };
  const upText = lines.slice(0, at).join('');
  const downText = lines.slice(at + 1).join('');
  return {
    up: { path, text: upText, firstLine: 1, noTransaction: false },
    // An empty down section has no line of its own: its findings point at the marker.
    down: { path, text: downText, firstLine: downText === '' ? at + 1 : at + 2, noTransaction: false },
    upText,
    downText,
    downMarker: lines[at],
  };
}

/**
 * Pairs `<version>_<name>.(up|down).sql`-style files by version, as golang-migrate and its peers
 * do (the name need not match). A second file for one version and direction is left out, named.
 */
export function pairByVersion(
  entries: ReadonlyArray<{ version: string; name: string; direction: 'up' | 'down'; part: LayoutPart }>,
  order: (a: string, b: string) => number,
  leftOut: LeftOut[],
): LayoutMigration[] {
  const byVersion = new Map<string, LayoutMigration>();
  for (const entry of entries) {
    let migration = byVersion.get(entry.version);
    if (!migration) {
      migration = { version: entry.version, name: entry.name };
      byVersion.set(entry.version, migration);
    }
    if (migration[entry.direction]) {
      leftOut.push({ path: entry.part.path, reason: `a second ${entry.direction} file for version ${entry.version}`, needsAttention: true });
      continue;
    }
    migration[entry.direction] = entry.part;
    // The up file names the migration, as the tools print it.
    if (entry.direction === 'up') migration.name = entry.name;
  }
  return [...byVersion.values()].sort((a, b) => order(a.version, b.version));
}

/** Numeric order of digit strings, exact at any length (no rounding through a JS number). */
export function compareIntegers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Code-point order, independent of the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortLeftOut(leftOut: LeftOut[]): LeftOut[] {
  return leftOut.sort((a, b) => compareStrings(a.path, b.path));
}

/** The files of a folder none of whose names the layout takes, each named with why. */
export function leftOutFile(dir: string, name: string, reason: string, needsAttention: boolean): LeftOut {
  return { path: join(dir, name), reason, needsAttention };
}

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { userCacheFolder } from '../../user-cache.js';
import { convertLayout, writeConversion, type Origin } from './convert.js';
import { detectLayout, readLayout } from './index.js';
import type { FolderListing, LayoutId, LeftOut } from './types.js';

/** Another tool's folder, seen as sqlmig files: `dir` holds them, `origins` says where each line came from. */
export interface InPlaceFolder {
  layout: LayoutId;
  /** The tool's folder. */
  sourceDir: string;
  /** The sqlmig files made of it (in sqlmig's user cache). */
  dir: string;
  /** Converted file path → where its lines are in the tool's folder. */
  origins: Map<string, Origin>;
  leftOut: LeftOut[];
  /** The tool's version of each migration → its sqlmig version here (a history takeover maps the tool's table with it). */
  versions: Map<string, number>;
  /** Why the tool's versions could not be kept and the migrations are numbered 1, 2, … by position; undefined when they are kept. */
  renumbered?: string;
  /**
   * Where a run without a config file keeps its state (`.sqlmig/`: caches, the embedded database): one folder
   * per tool folder in sqlmig's user cache, because the tool folder's parent may be anything, even read-only.
   */
  stateDir: string;
}

/** Working copies unused for this long are removed by the next in-place run. */
export const IN_PLACE_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** At most this many working copies are kept (the most recently used ones). */
export const IN_PLACE_MAX_COPIES = 20;
/** A copy used within this time is never removed: another run may be reading it. */
const IN_USE_MS = 60 * 60 * 1000;

/**
 * Lint, up and down in place: the folder's layout (the given one, else detected); for any layout
 * but sqlmig's, its migrations converted as `import` converts them and written into sqlmig's user
 * cache, in a folder named by a hash of the source folder and of every converted file, so that a
 * run reuses it until a file changes and two runs never write into one folder at once.
 * Undefined for sqlmig's own layout, which is used as it is. `listing`: the folder's, if already listed.
 */
export function inPlaceFolder(dir: string, layout: LayoutId | undefined, listing?: FolderListing): InPlaceFolder | undefined {
  const id = layout ?? detectLayout(dir);
  if (id === 'sqlmig') return undefined;
  const conversion = convertLayout(readLayout(dir, id, listing));
  const hash = createHash('sha256').update(`${id}\0${dir}\0`);
  for (const file of conversion.files) hash.update(`${file.fileName}\0${file.content}\0`);
  const copies = join(userCacheFolder(), 'in-place');
  const target = join(copies, hash.digest('hex').slice(0, 24));
  if (!existsSync(target)) {
    const partial = `${target}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(dirname(partial), { recursive: true });
    writeConversion(conversion, partial, { sum: true });
    try {
      renameSync(partial, target);
    } catch (error) {
      // Another run made the same folder first: the same files, so either copy serves.
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(target)) throw error;
    }
  }
  const now = new Date();
  utimesSync(target, now, now);
  pruneWorkingCopies(copies, target, now.getTime());
  return {
    layout: id,
    sourceDir: conversion.folder.dir,
    dir: target,
    origins: new Map(conversion.files.map((file) => [join(target, file.fileName), file.origin])),
    leftOut: conversion.folder.leftOut,
    versions: new Map(conversion.files.map((file) => [file.sourceVersion, file.version])),
    ...(conversion.renumbered !== undefined ? { renumbered: conversion.renumbered } : {}),
    stateDir: join(userCacheFolder(), 'in-place-state', createHash('sha256').update(conversion.folder.dir).digest('hex').slice(0, 24)),
  };
}

/**
 * Bounds the working copies (one per content of a folder, so every edit makes one): removes those
 * unused (their folder's time is set on each use) for IN_PLACE_MAX_AGE_MS, and all but the
 * IN_PLACE_MAX_COPIES most recently used; never `keep`, nor one used within the last hour (another run
 * may be reading it; a leftover `.partial` of a crashed run goes by the same rule). Best effort: a copy
 * that cannot be removed stays, and the run goes on.
 */
function pruneWorkingCopies(copies: string, keep: string, now: number): void {
  const entries: Array<{ path: string; used: number }> = [];
  for (const name of readdirSync(copies)) {
    const path = join(copies, name);
    if (path === keep) continue;
    try {
      entries.push({ path, used: statSync(path).mtimeMs });
    } catch {
      // Removed by another run meanwhile.
    }
  }
  entries.sort((a, b) => b.used - a.used);
  entries.forEach((entry, index) => {
    const idle = now - entry.used;
    if (idle < IN_USE_MS) return;
    if (idle <= IN_PLACE_MAX_AGE_MS && index + 1 < IN_PLACE_MAX_COPIES) return;
    try {
      rmSync(entry.path, { recursive: true, force: true });
    } catch {
      // Left for a later run.
    }
  });
}

/**
 * Where line `line` of a converted file is in the tool's folder (the added no-transaction line
 * goes to the part's first line); a file that is not a converted one stays where it is.
 */
export function toolPlace(folder: InPlaceFolder, file: string, line: number): { file: string; line: number } {
  const origin = folder.origins.get(file);
  if (!origin) return { file, line };
  return { file: origin.path, line: Math.max(1, line <= origin.addedLines ? 1 + origin.lineDelta + origin.addedLines : line + origin.lineDelta) };
}

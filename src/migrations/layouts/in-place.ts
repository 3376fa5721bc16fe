import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { userCacheFolder } from '../../user-cache.js';
import { convertLayout, writeConversion, type Origin } from './convert.js';
import { detectLayout, readLayout } from './index.js';
import type { LayoutId, LeftOut } from './types.js';

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
}

/**
 * Lint, up and down in place: the folder's layout (the given one, else detected); for any layout
 * but sqlmig's, its migrations converted as `import` converts them and written into sqlmig's user
 * cache, in a folder named by a hash of the source folder and of every converted file, so that a
 * run reuses it until a file changes and two runs never write into one folder at once.
 * Undefined for sqlmig's own layout, which is used as it is.
 */
export function inPlaceFolder(dir: string, layout: LayoutId | undefined): InPlaceFolder | undefined {
  const id = layout ?? detectLayout(dir);
  if (id === 'sqlmig') return undefined;
  const conversion = convertLayout(readLayout(dir, id));
  const hash = createHash('sha256').update(`${id}\0${dir}\0`);
  for (const file of conversion.files) hash.update(`${file.fileName}\0${file.content}\0`);
  const target = join(userCacheFolder(), 'in-place', hash.digest('hex').slice(0, 24));
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
  return {
    layout: id,
    sourceDir: conversion.folder.dir,
    dir: target,
    origins: new Map(conversion.files.map((file) => [join(target, file.fileName), file.origin])),
    leftOut: conversion.folder.leftOut,
    versions: new Map(conversion.files.map((file) => [file.sourceVersion, file.version])),
  };
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

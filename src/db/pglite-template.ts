import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { userCacheFolder } from '../user-cache.js';
import { pgliteVersion } from './pglite-dist.js';

/**
 * A new in-memory PGlite database begins with initdb, about 2 s of the 2.5 s
 * it takes to start. What initdb produces is the same every time for one
 * PGlite version, so the first one is kept (gzipped, about 4.5 MB) in the
 * user's cache folder and later databases start from it in about 0.5 s.
 * Only a cache: any problem with it means initdb runs again.
 */
export function templatePath(): string {
  return join(userCacheFolder(), `pglite-${pgliteVersion()}-initdb.tar.gz`);
}

export async function readTemplate(): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(templatePath())]);
  } catch {
    return undefined;
  }
}

/** Saves a database that initdb has just made, before anything runs in it. */
export async function saveTemplate(pg: PGlite): Promise<void> {
  const path = templatePath();
  const partial = `${path}.${process.pid}.partial`;
  try {
    const dump = await pg.dumpDataDir('gzip');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    // Renamed into place, so a concurrent reader never sees half a file.
    await rename(partial, path);
  } catch {
    await rm(partial, { force: true });
  }
}

export async function discardTemplate(): Promise<void> {
  await rm(templatePath(), { force: true });
}

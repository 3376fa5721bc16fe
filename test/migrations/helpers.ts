import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh folder, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sqlmig-migrations-'));
  created.push(dir);
  return dir;
}

/** Writes files (name → content) into dir. */
export async function writeFiles(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  await Promise.all(Object.entries(files).map(([name, content]) => writeFile(join(dir, name), content)));
}

/** A temp folder holding an empty file for each name. */
export async function folderWith(...names: string[]): Promise<string> {
  const dir = await tempDir();
  await writeFiles(dir, Object.fromEntries(names.map((name) => [name, ''])));
  return dir;
}

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SqlmigError } from '../../src/errors.js';

/** A fresh folder under the system temp dir holding the given files (path → content). */
export function tempProject(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'sqlmig-config-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** The SqlmigError that `action` throws (or rejects with); fails the test when it does not throw one. */
export async function errorOf(action: () => unknown): Promise<SqlmigError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof SqlmigError) return error;
    throw error;
  }
  throw new Error('expected a SqlmigError, nothing was thrown');
}

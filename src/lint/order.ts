/** The order in which the engine walks a sequence: by version, each up file before its down file, then by path. */
import type { MigrationFile } from '../migrations/types.js';

export function compareFiles(a: MigrationFile, b: MigrationFile): number {
  return (
    a.version - b.version ||
    Number(a.direction === 'down') - Number(b.direction === 'down') ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  );
}

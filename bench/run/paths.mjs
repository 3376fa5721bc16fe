// Where the bench finds what it measures.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What `npx sqlmig` runs in the checkout at `root`: its package.json's bin (throws when there is no package.json). */
export function sqlmigBinOf(root) {
  return path.join(root, JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).bin.sqlmig);
}

export const sqlmigBin = sqlmigBinOf(repoRoot);
export const corpusRoot = path.resolve(repoRoot, '..', 'shared', 'corpus');
export const node = process.execPath;
export const parserFloor = path.join(repoRoot, 'bench', 'parser-floor.mjs');

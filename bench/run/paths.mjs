// Where the bench finds what it measures.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// What `npx sqlmig` runs: package.json's bin.
export const sqlmigBin = path.join(repoRoot, JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).bin.sqlmig);
export const corpusRoot = path.resolve(repoRoot, '..', 'shared', 'corpus');
export const node = process.execPath;
export const parserFloor = path.join(repoRoot, 'bench', 'parser-floor.mjs');

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** PGlite's `dist` folder, where its contrib extension bundles (`<name>.tar.gz`) lie. */
export const pgliteDist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));

/** The installed PGlite version (its package.json is not exported, so it is read beside `dist`). */
export function pgliteVersion(): string {
  return (JSON.parse(readFileSync(join(pgliteDist, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

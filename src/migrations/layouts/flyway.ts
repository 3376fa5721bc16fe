import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareStrings, leftOutFile, pairByVersion, readText, sortLeftOut } from './folder.js';
import type { Layout, LayoutPart, LeftOut } from './types.js';

/** `V1__init.sql`, `V1.2__x.sql`, `V1_2__x.sql` (1.2), and undo files `U…`; groups: prefix, version, description. */
const NAME = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const REPEATABLE = /^R__.+\.sql$/;
/** A script config (`V1__x.sql.conf`) or a first-line directive that turns the transaction off. */
const NO_TRANSACTION = /^\s*(?:--\s*flyway:)?executeInTransaction\s*=\s*false\s*$/m;

/**
 * Flyway: `V{version}__{description}.sql`, undo files `U{version}__{description}.sql`, ordered by
 * the version's dot-separated numbers. `executeInTransaction=false` in `<file>.conf` (or a
 * `-- flyway:executeInTransaction=false` line) runs that script outside a transaction.
 * Repeatable migrations (`R__…`) have no counterpart in sqlmig: left out, named.
 */
export const flyway: Layout = {
  id: 'flyway',
  description: 'Flyway (V{version}__{description}.sql, U… undo files; R__ repeatables not supported)',
  // The first letter before the regex: detection tests every name of every folder (most are not Flyway's).
  detect: (listing) => listing.files.some((name) => name.startsWith('V') && /^V\d+(?:[._]\d+)*__.+\.sql$/.test(name)),
  read: (listing) => {
    const leftOut: LeftOut[] = [];
    const entries: Array<{ version: string; name: string; direction: 'up' | 'down'; part: LayoutPart }> = [];
    for (const file of listing.files) {
      const match = NAME.exec(file);
      if (!match) {
        if (REPEATABLE.test(file)) {
          leftOut.push(leftOutFile(listing.dir, file, 'a Flyway repeatable migration: sqlmig has none; make it a versioned migration by hand', true));
        } else if (!(file.endsWith('.sql.conf') && listing.files.includes(file.slice(0, -'.conf'.length)))) {
          leftOut.push(leftOutFile(listing.dir, file, 'not a Flyway SQL migration', /\.(sql|java)$/i.test(file)));
        }
        continue;
      }
      const path = join(listing.dir, file);
      const text = readText(path);
      const conf = `${path}.conf`;
      const noTransaction = NO_TRANSACTION.test(existsSync(conf) ? readText(conf) : '') || NO_TRANSACTION.test(text.split('\n', 1)[0]!);
      entries.push({
        version: match[2]!.replaceAll('_', '.'),
        name: match[3]!,
        direction: match[1] === 'V' ? 'up' : 'down',
        part: { path, text, firstLine: 1, noTransaction },
      });
    }
    const migrations = pairByVersion(entries, compareFlywayVersions, leftOut);
    return { layout: 'flyway', dir: listing.dir, migrations, leftOut: sortLeftOut(leftOut) };
  },
};

/** `1.2` before `1.10`: each dot-separated part compared as an integer, a missing part as 0. */
function compareFlywayVersions(a: string, b: string): number {
  const x = a.split('.').map(BigInt);
  const y = b.split('.').map(BigInt);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? 0n;
    const q = y[i] ?? 0n;
    if (p !== q) return p < q ? -1 : 1;
  }
  return compareStrings(a, b);
}

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareStrings, leftOutFile, readText, sortLeftOut, wholeFile } from './folder.js';
import type { Layout, LayoutMigration, LeftOut } from './types.js';

const FOLDER = /^(\d[\d-]*)_(.+)$/;
const NO_TRANSACTION = /^\s*run_in_transaction\s*=\s*false\s*$/m;
const KNOWN = new Set(['up.sql', 'down.sql', 'metadata.toml']);

/**
 * diesel: one folder per migration, `{version}_{name}/up.sql`, `down.sql`, `metadata.toml`.
 * Ordered as diesel's version_from_string does: the version with `-` removed, compared as a
 * string (never as a number: `2026-07-30-140000-0000` is 18 digits, beyond 2^53).
 * `run_in_transaction = false` in metadata.toml runs both files outside a transaction.
 */
export const diesel: Layout = {
  id: 'diesel',
  description: 'diesel ({version}_{name}/up.sql, down.sql, metadata.toml run_in_transaction = false)',
  detect: (listing) => listing.folders.some((folder) => FOLDER.test(folder) && existsSync(join(listing.dir, folder, 'up.sql'))),
  read: (listing) => {
    const leftOut: LeftOut[] = [];
    for (const file of listing.files) leftOut.push(leftOutFile(listing.dir, file, 'not in a migration folder: diesel does not run it', false));
    const migrations: Array<LayoutMigration & { key: string }> = [];
    for (const folder of listing.folders) {
      const match = FOLDER.exec(folder);
      const dir = join(listing.dir, folder);
      if (!match || !existsSync(join(dir, 'up.sql'))) {
        leftOut.push(leftOutFile(listing.dir, folder, 'not a diesel migration folder ({version}_{name}/up.sql)', true));
        continue;
      }
      for (const name of readdirSync(dir).sort(compareStrings)) {
        if (!KNOWN.has(name)) leftOut.push(leftOutFile(dir, name, 'not a file diesel reads', false));
      }
      const metadata = join(dir, 'metadata.toml');
      const noTransaction = existsSync(metadata) && NO_TRANSACTION.test(readText(metadata));
      const down = join(dir, 'down.sql');
      const key = match[1]!.replaceAll('-', '');
      migrations.push({
        key,
        version: match[1]!,
        number: key,
        name: match[2]!,
        up: wholeFile(join(dir, 'up.sql'), noTransaction),
        ...(existsSync(down) ? { down: wholeFile(down, noTransaction) } : {}),
      });
    }
    migrations.sort((a, b) => compareStrings(a.key, b.key));
    return { layout: 'diesel', dir: listing.dir, migrations: migrations.map(({ key: _key, ...migration }) => migration), leftOut: sortLeftOut(leftOut) };
  },
};

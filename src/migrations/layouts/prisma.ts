import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareStrings, leftOutFile, readText, sortLeftOut, wholeFile } from './folder.js';
import type { Layout, LayoutMigration, LeftOut } from './types.js';

const FOLDER = /^(\d+)_(.+)$/;
/** A line that is only a transaction command: Prisma sends the script as it is, so the script manages its own transaction. */
const OWN_TRANSACTION = /^\s*(?:BEGIN|START\s+TRANSACTION)(?:\s+(?:WORK|TRANSACTION))?\s*;/im;

/**
 * Prisma Migrate: one folder per migration, `{timestamp}_{name}/migration.sql`, ordered by folder
 * name, no down files. Prisma sends each script as one multi-statement query and never wraps it,
 * so a script with its own `BEGIN;` … `COMMIT;` becomes a no-transaction file (sqlmig would
 * otherwise wrap it, and its COMMIT would end sqlmig's transaction).
 */
export const prisma: Layout = {
  id: 'prisma',
  description: 'Prisma Migrate ({timestamp}_{name}/migration.sql, no down files)',
  detect: (listing) =>
    listing.files.includes('migration_lock.toml') || listing.folders.some((folder) => existsSync(join(listing.dir, folder, 'migration.sql'))),
  read: (listing) => {
    const leftOut: LeftOut[] = [];
    for (const file of listing.files) {
      const reason = file === 'migration_lock.toml' ? "Prisma's provider lock, not needed by sqlmig" : 'not in a migration folder: Prisma does not run it';
      leftOut.push(leftOutFile(listing.dir, file, reason, false));
    }
    const migrations: LayoutMigration[] = [];
    for (const folder of listing.folders) {
      const match = FOLDER.exec(folder);
      const dir = join(listing.dir, folder);
      const script = join(dir, 'migration.sql');
      if (!match || !existsSync(script)) {
        leftOut.push(leftOutFile(listing.dir, folder, 'not a Prisma migration folder ({timestamp}_{name}/migration.sql)', true));
        continue;
      }
      for (const name of readdirSync(dir).sort(compareStrings)) {
        if (name !== 'migration.sql') leftOut.push(leftOutFile(dir, name, 'not a file Prisma Migrate runs', true));
      }
      const text = readText(script);
      migrations.push({ version: match[1]!, name: match[2]!, up: wholeFile(script, OWN_TRANSACTION.test(text), text) });
    }
    // Folder names start with the version: their order is Prisma's.
    return { layout: 'prisma', dir: listing.dir, migrations, leftOut: sortLeftOut(leftOut) };
  },
};

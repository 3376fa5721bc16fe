import type { Layout } from './types.js';
import { notSql, readVersionedFiles } from './versioned-files.js';

/** sqlx's `-- no-transaction` must be the file's first line (sqlx checks the text's start). */
const NO_TRANSACTION = /^-- no-transaction/;

/**
 * sqlx (`sqlx migrate`): `{version}_{description}.up.sql` / `.down.sql`, ordered by the integer
 * version; a file starting with `-- no-transaction` runs outside a transaction. Like golang-migrate,
 * chosen with `--layout sqlx`, never guessed.
 */
export const sqlx: Layout = {
  id: 'sqlx',
  description: 'sqlx ({version}_{description}.up.sql / .down.sql, -- no-transaction)',
  detect: () => false,
  read: (listing) =>
    readVersionedFiles(listing, {
      layout: 'sqlx',
      name: /^(\d+)_(.*)\.(up|down)\.sql$/,
      other: (name) =>
        /^\d+_.*\.sql$/.test(name)
          ? { reason: 'a reversible-less sqlx migration ({version}_{description}.sql): rename it to .up.sql to import it', needsAttention: true }
          : notSql(name),
      sql: (text) => ({ text, noTransaction: NO_TRANSACTION.test(text) }),
    }),
};

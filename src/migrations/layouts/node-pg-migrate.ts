import { firstFileHas, readSingleFiles } from './single-file.js';
import type { Layout } from './types.js';

const NAME = /^(\d+)[_-](.*)\.sql$/;
const UP = /^--\s*Up Migration\b/;
const DOWN = /^--\s*Down Migration\b/;

/**
 * node-pg-migrate's SQL migrations: `{timestamp}_{name}.sql` with `-- Up Migration` /
 * `-- Down Migration` sections, ordered by the number. SQL files have no no-transaction switch
 * (that is `pgm.noTransaction()` in JavaScript migrations, which are left out).
 */
export const nodePgMigrate: Layout = {
  id: 'node-pg-migrate',
  description: 'node-pg-migrate SQL files ({timestamp}_{name}.sql, -- Up Migration / -- Down Migration)',
  detect: (listing) => firstFileHas(listing, NAME, UP),
  read: (listing) =>
    readSingleFiles(listing, {
      layout: 'node-pg-migrate',
      name: NAME,
      upMarker: UP,
      downMarker: DOWN,
      noTransaction: () => ({ up: false, down: false }),
      other: (name) =>
        /\.(js|cjs|mjs|ts)$/.test(name)
          ? { reason: 'a JavaScript/TypeScript migration (code): convert it to SQL by hand', needsAttention: true }
          : { reason: 'not a node-pg-migrate SQL migration', needsAttention: /\.sql$/i.test(name) },
    }),
};

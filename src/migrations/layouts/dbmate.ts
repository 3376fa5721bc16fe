import { firstFileHas, readSingleFiles } from './single-file.js';
import type { Layout } from './types.js';

const NAME = /^(\d+)_(.*)\.sql$/;
const UP = /^--\s*migrate:up\b/;
const DOWN = /^--\s*migrate:down\b/;
const NO_TRANSACTION = /^--\s*migrate:(?:up|down)\b.*\btransaction:false\b/m;

/**
 * dbmate: `{version}_{name}.sql` with `-- migrate:up` / `-- migrate:down` sections, ordered by the
 * integer version; `transaction:false` on a section's marker line runs that section outside a transaction.
 */
export const dbmate: Layout = {
  id: 'dbmate',
  description: 'dbmate ({version}_{name}.sql, -- migrate:up / -- migrate:down, transaction:false)',
  detect: (listing) => firstFileHas(listing, NAME, UP),
  read: (listing) =>
    readSingleFiles(listing, {
      layout: 'dbmate',
      name: NAME,
      upMarker: UP,
      downMarker: DOWN,
      // The up section's marker line is in the up text; the down section's is the line the split removed.
      noTransaction: (upText, _downText, downMarker) => ({ up: NO_TRANSACTION.test(upText), down: NO_TRANSACTION.test(downMarker ?? '') }),
      other: (name) => ({ reason: 'not a dbmate migration file', needsAttention: /\.sql$/i.test(name) }),
    }),
};


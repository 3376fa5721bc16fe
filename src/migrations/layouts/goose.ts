import { firstFileHas, readSingleFiles } from './single-file.js';
import type { Layout } from './types.js';

const NAME = /^(\d+)_(.+)\.sql$/;
const UP = /^--\s*\+goose\s+Up\b/i;
const DOWN = /^--\s*\+goose\s+Down\b/i;
const NO_TRANSACTION = /^--\s*\+goose\s+NO\s+TRANSACTION\b/im;

/**
 * goose: `{version}_{name}.sql` with `-- +goose Up` / `-- +goose Down` sections, ordered by the
 * integer version. `-- +goose NO TRANSACTION` anywhere in the file runs both directions outside a
 * transaction. `StatementBegin`/`StatementEnd` only guide goose's own splitter; sqlmig's parser
 * splits statements itself, so they stay in the text as the comments they are. Go migrations are left out.
 */
export const goose: Layout = {
  id: 'goose',
  description: 'goose ({version}_{name}.sql, -- +goose Up / Down, NO TRANSACTION)',
  detect: (listing) => firstFileHas(listing, NAME, UP),
  read: (listing) =>
    readSingleFiles(listing, {
      layout: 'goose',
      name: NAME,
      upMarker: UP,
      downMarker: DOWN,
      noTransaction: (upText, downText) => {
        const whole = NO_TRANSACTION.test(upText) || NO_TRANSACTION.test(downText ?? '');
        return { up: whole, down: whole };
      },
      other: (name) =>
        /\.go$/.test(name)
          ? { reason: 'a goose Go migration (code): convert it to SQL by hand', needsAttention: true }
          : { reason: 'not a goose migration file', needsAttention: /\.sql$/i.test(name) },
    }),
};

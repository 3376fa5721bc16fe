import type { Layout } from './types.js';
import { notSql, readVersionedFiles } from './versioned-files.js';

/**
 * golang-migrate: `{version}_{title}.up.sql` / `.down.sql`, any title characters, ordered by the
 * integer version. Each file is sent as one multi-statement query, never wrapped: there is no
 * no-transaction marker. Not detected on its own: its names are sqlmig's with looser titles,
 * and a misnamed sqlmig file must stay a finding, not switch the layout (`--layout golang-migrate`).
 */
export const golangMigrate: Layout = {
  id: 'golang-migrate',
  description: 'golang-migrate ({version}_{title}.up.sql / .down.sql)',
  detect: () => false,
  read: (listing) => readVersionedFiles(listing, { layout: 'golang-migrate', name: /^(\d+)_(.*)\.(up|down)\.sql$/, other: notSql }),
};

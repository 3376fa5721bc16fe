import { join } from 'node:path';
import { readText } from './folder.js';
import type { Layout } from './types.js';
import { notSql, readVersionedFiles } from './versioned-files.js';

/** River's schema placeholder; with the default (empty) schema it is removed. */
const SCHEMA_TEMPLATE = '/* TEMPLATE: schema */';
const NAME = /^(\d+)_(.*)\.(up|down)\.sql$/;

/**
 * River's `rivermigrate`: `{NNN}_{name}.(up|down).sql` in a line's folder, ordered by the integer,
 * each file in its own transaction. `/* TEMPLATE: schema *\/` before table names is replaced by the
 * schema prefix, empty by default: removed here. Detected by that placeholder in the first up file.
 */
export const rivermigrate: Layout = {
  id: 'rivermigrate',
  description: 'River (rivermigrate: {NNN}_{name}.up.sql / .down.sql, /* TEMPLATE: schema */ removed)',
  detect: (listing) => {
    const first = listing.files.find((name) => NAME.test(name) && name.endsWith('.up.sql'));
    return first !== undefined && readText(join(listing.dir, first)).includes(SCHEMA_TEMPLATE);
  },
  read: (listing) =>
    readVersionedFiles(listing, {
      layout: 'rivermigrate',
      name: NAME,
      other: notSql,
      sql: (text) => ({ text: text.split(SCHEMA_TEMPLATE).join(''), noTransaction: false }),
    }),
};

import type { Layout } from './types.js';
import { notSql, readVersionedFiles } from './versioned-files.js';

const NAME = /^V(\d+)\.(.+)\.(up|down)\.sql$/;

/**
 * Authelia's storage migrations: `V{NNNN}.{Name}.(up|down).sql`, ordered by the integer. Authelia
 * runs a whole upgrade in one transaction on PostgreSQL, with no per-file opt-out; its Go steps
 * (re-encryption) are not in the folder.
 */
export const autheliaStorage: Layout = {
  id: 'authelia-storage',
  description: 'Authelia storage (V{NNNN}.{Name}.up.sql / .down.sql)',
  // The first letter before the regex: detection tests every name of every folder (most are not Authelia's).
  detect: (listing) => listing.files.some((name) => name.startsWith('V') && NAME.test(name)),
  read: (listing) => readVersionedFiles(listing, { layout: 'authelia-storage', name: NAME, other: notSql }),
};

/**
 * The layout registry. Another tool's layout plugs in as one module exporting a `Layout`
 * (types.ts: `detect` and `read`, returning the migrations in the tool's order and every file
 * left out with why), added to LAYOUTS and its id to LAYOUT_IDS. `import`, lint in place and
 * up/down in place then work for it with no other change.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { alembic } from './alembic.js';
import { autheliaStorage } from './authelia-storage.js';
import { concourseMigration } from './concourse-migration.js';
import { dbmate } from './dbmate.js';
import { diesel } from './diesel.js';
import { flyway } from './flyway.js';
import { currentListing, listFolder } from './folder.js';
import { golangMigrate } from './golang-migrate.js';
import { goose } from './goose.js';
import { nodePgMigrate } from './node-pg-migrate.js';
import { pop, popx } from './popx.js';
import { prisma } from './prisma.js';
import { rivermigrate } from './rivermigrate.js';
import { sqlmigLayout } from './sqlmig.js';
import { sqlx } from './sqlx.js';
import { LAYOUT_IDS, type FolderListing, type Layout, type LayoutFolder, type LayoutId } from './types.js';

/** In detection order: the folder-shaped layouts first, then those known by a marker in a file, sqlmig last. */
const LAYOUTS: readonly Layout[] = [
  diesel,
  prisma,
  flyway,
  autheliaStorage,
  goose,
  dbmate,
  nodePgMigrate,
  pop,
  popx,
  rivermigrate,
  golangMigrate,
  sqlx,
  concourseMigration,
  sqlmigLayout,
  alembic,
];

function layoutById(id: LayoutId): Layout {
  return LAYOUTS.find((layout) => layout.id === id)!;
}

export function isLayoutId(value: string): value is LayoutId {
  return (LAYOUT_IDS as readonly string[]).includes(value);
}

/**
 * The layout of a folder: the first one whose signal it shows, else sqlmig. A folder that is
 * missing (or not a folder) is sqlmig's, and discovery then says what is wrong with it. Layouts
 * whose names sqlmig's own could be mistaken for (golang-migrate, sqlx, concourse) are never
 * guessed: a misnamed sqlmig file stays a finding.
 */
export function detectLayout(dir: string): LayoutId {
  return detectFolder(dir).layout;
}

/** The layout of a folder (see detectLayout) and the listing it was told by, which reading or discovering the folder can reuse. */
export function detectFolder(dir: string): { layout: LayoutId; listing?: FolderListing } {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) return { layout: 'sqlmig' };
  const listing = listFolder(root);
  // A sqlmig.sum says the folder is sqlmig's, whatever else it holds.
  if (listing.files.includes('sqlmig.sum')) return { layout: 'sqlmig', listing };
  return { layout: LAYOUTS.find((layout) => layout.detect(listing))?.id ?? 'sqlmig', listing };
}

/** Reads a folder in a layout (the given one, else the detected one); `listing`: the folder's, if already listed. */
export function readLayout(dir: string, id: LayoutId = detectLayout(dir), listing?: FolderListing): LayoutFolder {
  return layoutById(id).read(currentListing(dir, listing));
}

export { LAYOUT_IDS, type LayoutFolder, type LayoutId } from './types.js';

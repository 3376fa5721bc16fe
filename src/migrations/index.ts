export { parseFileName, slugify } from './filename.js';
export { discoverMigrations, migrationFiles } from './discover.js';
export { parseDirectives } from './directives.js';
export { readMigrationSource, readMigrationSources } from './source.js';
export {
  SUM_FILE_NAME,
  computeSum,
  readSumFile,
  writeSumFile,
  compareSum,
  type ChecksummedFile,
  type SumFile,
} from './sum.js';
export { createMigration, migrationSlug } from './scaffold.js';
export type * from './types.js';

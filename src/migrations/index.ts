export { parseFileName, isFileNameError, slugify, type ParsedFileName, type FileNameError } from './filename.js';
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
  type SumProblem,
  type SumComparison,
} from './sum.js';
export { createMigration, migrationSlug, type CreatedMigration } from './scaffold.js';
export type * from './types.js';

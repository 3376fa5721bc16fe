/** src/parse: the only importer of libpg-query. See types.ts for what it returns. */
export { loadParser, parseSql, PARSED_SQL_VERSION } from './parse.js';
export type * from './types.js';

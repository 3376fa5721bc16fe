/** Configuration: find `.migraterc.json`, read it, interpolate `${VAR}`, validate, and resolve the connection. */
export type * from './types.js';
export { loadConfig } from './load.js';
export { resolveConnection } from './connection.js';
export { CONFIG_FILE_NAME, configDefaults } from './defaults.js';

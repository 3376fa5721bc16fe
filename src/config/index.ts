/** Configuration: find `.migraterc.json`, read it, interpolate `${VAR}`, validate, and resolve the connection. */
export type * from './types.js';
export { loadConfig } from './load.js';
export { resolveConnection, type ResolveConnectionOptions } from './connection.js';
export { CONFIG_FILE_NAME, EMBEDDED_DATA_DIR, configDefaults, type ConfigDefaults } from './defaults.js';

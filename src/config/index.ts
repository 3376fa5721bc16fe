/** Configuration: find `.migraterc.json`, read it, interpolate `${VAR}`, validate, and resolve the connection. */
export type * from './types.js';
export { loadConfig, namesSeveralEnvironments, withEnvironment } from './load.js';
export { resolveConnection, targetConnection } from './connection.js';
export { CONFIG_FILE_NAME, configDefaults } from './defaults.js';

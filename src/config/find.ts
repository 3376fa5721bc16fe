import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { CONFIG_FILE_NAME } from './defaults.js';

/**
 * The config file to read: `configPath` (relative to cwd; it must exist),
 * else the nearest `.migraterc.json` from cwd up to the project boundary
 * (the first folder with `.git` or `package.json`), else null (defaults
 * apply). Never above the boundary: a config in a shared parent folder
 * (/tmp, a CI workspace) must not decide what runs against this project's database.
 */
export function findConfigFile(cwd: string, configPath?: string): string | null {
  if (configPath !== undefined) {
    const path = resolve(cwd, configPath);
    if (!isFile(path)) {
      throw new ConfigError(
        `config file not found: ${configPath}`,
        { hint: `--config is relative to the working directory (${cwd}); run \`sqlmig init\` to create one` },
        'CONFIG_NOT_FOUND',
      );
    }
    return path;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (isFile(candidate)) return candidate;
    if (dirname(dir) === dir || isProjectBoundary(dir)) return null;
  }
}

function isProjectBoundary(dir: string): boolean {
  return exists(join(dir, '.git')) || isFile(join(dir, 'package.json'));
}

function exists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

// Synchronous, as the rest of a command's startup: a stat or two per folder up to the root.
function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

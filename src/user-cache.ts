import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * sqlmig's folder in the user's cache (`$XDG_CACHE_HOME/sqlmig`, else
 * `~/.cache/sqlmig`, as the XDG base directory spec places caches): for what
 * is only a cache and must never be written into the installed package.
 */
export function userCacheFolder(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'sqlmig');
}

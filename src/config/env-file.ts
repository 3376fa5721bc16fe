import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, FileError } from '../errors.js';

export interface EnvFile {
  /** Absolute path of the file read. */
  path: string;
  /** What it sets; variables already set in the environment win over these. */
  variables: Record<string, string>;
}

/**
 * The variables of `--env-file <path>` (relative to cwd; it must exist), else
 * of `.env` beside the config file when there is one. Parsed by Node's own
 * parser, as `node --env-file` reads it.
 */
export function readEnvFile(root: string, cwd: string, explicit?: string): EnvFile | null {
  const path = explicit === undefined ? join(root, '.env') : resolve(cwd, explicit);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (explicit === undefined && (code === 'ENOENT' || code === 'ENOTDIR')) return null;
    if (code === 'ENOENT') {
      throw new ConfigError(`env file not found: ${explicit}`, { hint: `--env-file is relative to the working directory (${cwd})` }, 'ENV_FILE_NOT_FOUND');
    }
    throw new FileError(`cannot read the env file: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}`, { location: { file: path }, cause: error });
  }
  return { path, variables: parseEnv(text) as Record<string, string> };
}

/** The environment with the env file's variables added where a variable is not already set. */
export function withEnvFile(env: Record<string, string | undefined>, file: EnvFile | null | undefined): Record<string, string | undefined> {
  if (!file) return env;
  const merged: Record<string, string | undefined> = { ...file.variables };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return merged;
}

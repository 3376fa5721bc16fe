import { readFileSync } from 'node:fs';
import { FileError } from '../errors.js';
import { interpolateStrings, type Environment } from './interpolate.js';
import { parseJson } from './json-parse.js';
import type { FileConfig } from './types.js';
import { validateConfig } from './validate.js';

/** Reads, parses, interpolates and validates one config file. */
export async function readConfigFile(file: string, env: Environment): Promise<FileConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new FileError(`cannot read the config file: ${reason}`, { location: { file }, cause: error });
  }
  const parsed = parseJson(text, file);
  return validateConfig({ ...parsed, ...interpolateStrings(parsed, env, file) }, file);
}

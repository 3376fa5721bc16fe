import { readFileSync } from 'node:fs';
import { FileError } from '../errors.js';
import { interpolateStrings, type Environment } from './interpolate.js';
import { parseJson } from './json-parse.js';
import type { FileConfig, UnsetVariable } from './types.js';
import { validateConfig } from './validate.js';

export interface ConfigFileContents {
  values: FileConfig;
  /** JSON path → the first variable it references that was unset or empty (no default), and where. */
  unsetVariables: Record<string, UnsetVariable>;
}

/** Reads, parses, interpolates and validates one config file. */
export function readConfigFile(file: string, env: Environment): ConfigFileContents {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new FileError(`cannot read the config file: ${reason}`, { location: { file }, cause: error });
  }
  const parsed = parseJson(text, file);
  const interpolated = interpolateStrings(parsed, env, file);
  const unsetVariables: Record<string, UnsetVariable> = {};
  for (const [path, [variable]] of interpolated.unset) {
    unsetVariables[path] = { variable: variable!, location: { file, ...parsed.locations.get(path)?.value } };
  }
  return { values: validateConfig({ ...parsed, ...interpolated }, file), unsetVariables };
}

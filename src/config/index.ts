// Placeholder: the configuration module is being written (issue 2).
import type { Config, LoadConfigOptions } from './types.js';
export type * from './types.js';

export async function loadConfig(_options: LoadConfigOptions = {}): Promise<Config> {
  throw new Error('not implemented yet');
}

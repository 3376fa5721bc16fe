import type { CommandHandler } from '../program.js';
import type { CommandName } from './names.js';

type Loader = () => Promise<{ default: CommandHandler }>;

/**
 * Each handler is imported only when its command runs, so that `--version`,
 * `lint` or `new` never load database drivers. Literal paths (not a template)
 * so both tsc output and vitest resolve them.
 */
export const commandLoaders: Record<string, Loader> = {
  init: () => import('./init.js'),
  new: () => import('./new.js'),
  lint: () => import('./lint.js'),
  up: () => import('./up.js'),
  down: () => import('./down.js'),
  redo: () => import('./redo.js'),
  status: () => import('./status.js'),
  current: () => import('./current.js'),
  history: () => import('./history.js'),
  stamp: () => import('./stamp.js'),
  validate: () => import('./validate.js'),
  resolve: () => import('./resolve.js'),
  verify: () => import('./verify.js'),
  dump: () => import('./dump.js'),
  hash: () => import('./hash.js'),
  import: () => import('./import.js'),
  rules: () => import('./rules.js'),
  explain: () => import('./explain.js'),
} satisfies Record<CommandName, Loader>;

/**
 * The CLI's commands, in the order `--help` lists them. Apart from
 * program.ts so that the launcher (launcher.ts) can tell them apart without
 * loading commander.
 */
export const COMMAND_NAMES = [
  'init',
  'new',
  'lint',
  'up',
  'down',
  'redo',
  'status',
  'current',
  'history',
  'stamp',
  'validate',
  'resolve',
  'verify',
  'hash',
  'rules',
  'explain',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

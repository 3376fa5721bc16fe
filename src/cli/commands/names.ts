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
  'dump',
  'hash',
  'import',
  'rules',
  'explain',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/**
 * What other migration tools (dbmate, golang-migrate, node-pg-migrate,
 * Flyway, Prisma) call a command, and what to run in sqlmig instead: an
 * unknown command of these names says so. An entry whose name becomes a
 * sqlmig command must go (test/cli/run.test.ts checks).
 */
export const PEER_COMMANDS: Readonly<Record<string, string>> = {
  create: 'sqlmig calls it `new` (`sqlmig new <description>` creates a migration)',
  migrate: 'sqlmig calls it `up` (applies pending migrations)',
  rollback: 'sqlmig calls it `down` (reverts the newest migration; `--step N`, `--to V` for more)',
  version: "sqlmig calls it `current` (prints the database's version; `sqlmig --version` prints sqlmig's)",
};

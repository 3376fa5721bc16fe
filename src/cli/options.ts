import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { IN_PLACE_LAYOUT_IDS } from '../migrations/layouts/types.js';
import type { CommandName } from './commands/names.js';
import type { OutputFormat } from './context.js';

/**
 * Which commands a global option concerns, so each command's --help lists
 * the ones it uses: `project` every command, `settings` those that read the
 * config (all but init), `connection` those that connect, `format` those
 * with more than one output format, `output` every command.
 */
type Scope = 'project' | 'settings' | 'connection' | 'layout' | 'format' | 'output';

const FORMATS: readonly OutputFormat[] = ['pretty', 'json', 'github', 'sarif'];

/** The global options, in --help order. Adding one is one line here (and its field in GlobalOptions). */
export const GLOBAL_OPTIONS: readonly { scope: Scope; option: () => Option }[] = [
  {
    scope: 'project',
    option: () => new Option('--config <path>', 'path to .migraterc.json (default: searched upward from the working directory to the git root or package.json)'),
  },
  { scope: 'settings', option: () => new Option('--env <name>', 'select an entry of "environments" in the config') },
  { scope: 'settings', option: () => new Option('--env-file <path>', 'read variables from this file instead of .env beside the config (set variables win)') },
  { scope: 'connection', option: () => new Option('--url <url>', 'database URL (overrides every other connection setting)') },
  { scope: 'project', option: () => new Option('--dir <dir>', 'migrations folder (overrides "dir")') },
  {
    scope: 'layout',
    option: () =>
      new Option('--layout <tool>', 'the migration tool whose layout the folder has, to lint and run it in place (overrides "layout"; default: detected)').choices(IN_PLACE_LAYOUT_IDS),
  },
  {
    scope: 'format',
    option: () =>
      new Option('--format <format>', 'output format (lint, verify: all four; status, current, history, validate, rules: pretty|json)').choices(FORMATS),
  },
  { scope: 'output', option: () => new Option('--no-color', 'disable colors (also NO_COLOR; FORCE_COLOR forces them)') },
  { scope: 'output', option: () => new Option('-q, --quiet', 'print only errors and results') },
  { scope: 'output', option: () => new Option('--verbose', 'print more detail, including stack traces of internal errors') },
];

/** What a command uses: whether it reads the config's settings, whether it connects, and the formats it prints. */
interface CommandUse {
  settings: boolean;
  connects: boolean;
  /** Reads the migrations folder, which --layout describes (in place, or refused by new and hash). */
  layout?: boolean;
  formats: readonly OutputFormat[];
}

const TEXT: readonly OutputFormat[] = ['pretty'];
const PRETTY_OR_JSON: readonly OutputFormat[] = ['pretty', 'json'];
const runner = { settings: true, connects: true, layout: true, formats: TEXT };
const report = { settings: true, connects: true, layout: true, formats: PRETTY_OR_JSON };

const COMMAND_USE: Readonly<Record<CommandName, CommandUse>> = {
  init: { settings: false, connects: false, formats: TEXT },
  new: { settings: true, connects: false, layout: true, formats: TEXT },
  lint: { settings: true, connects: true, layout: true, formats: FORMATS },
  up: runner,
  down: runner,
  redo: runner,
  status: report,
  current: report,
  history: report,
  stamp: runner,
  validate: report,
  resolve: runner,
  // github and sarif carry the locks of verify --trace.
  verify: { settings: true, connects: true, layout: true, formats: FORMATS },
  dump: runner,
  hash: { settings: true, connects: false, layout: true, formats: TEXT },
  // Connects with --history (the takeover of the tool's history table).
  import: { settings: true, connects: true, formats: TEXT },
  rules: { settings: true, connects: false, formats: PRETTY_OR_JSON },
  explain: { settings: true, connects: false, formats: TEXT },
};

/**
 * The global options a command's --help lists: those of its scopes, with
 * --format naming only the formats it prints; none for the program itself,
 * whose own help lists them all. `options` are the program's (so --version
 * and anything not declared above stay out).
 */
export function globalOptionsFor(command: string, options: readonly Option[]): Option[] {
  const use = COMMAND_USE[command as CommandName] as CommandUse | undefined;
  if (use === undefined) return [];
  const used = (scope: Scope) =>
    scope === 'settings'
      ? use.settings
      : scope === 'connection'
        ? use.connects
        : scope === 'layout'
          ? use.layout === true
          : scope === 'format'
            ? use.formats.length > 1
            : true;
  const shown = new Set(GLOBAL_OPTIONS.filter((global) => used(global.scope)).map((global) => global.option().long));
  return options
    .filter((option) => option.long !== undefined && shown.has(option.long))
    .map((option) => (option.long === '--format' ? new Option('--format <format>', 'output format').choices(use.formats) : option));
}

/** A --format the command does not print is a usage error, not silently ignored. */
export function checkFormat(command: CommandName, format: OutputFormat | undefined): void {
  const { formats } = COMMAND_USE[command];
  if (format === undefined || formats.includes(format)) return;
  const prints = formats.length === 1 ? 'prints text only (pretty)' : `prints ${formats.join(' or ')}`;
  const hint = command === 'explain' ? '`sqlmig rules --format json` lists the rules as JSON' : undefined;
  throw new UsageError(`\`sqlmig ${command}\` ${prints}, not ${format}`, { hint });
}

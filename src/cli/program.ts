import { Command, Option } from 'commander';
import type { ExitCode } from '../errors.js';
import { closestMatch } from '../config/closest.js';
import { LAYOUT_IDS } from '../migrations/layouts/types.js';
import { COMMAND_NAMES, PEER_COMMANDS } from './commands/names.js';
import type { CommandContext } from './context.js';
import { GLOBAL_OPTIONS, globalOptionsFor } from './options.js';
import { HISTORY_TOOLS } from '../runner/takeover/tools.js';

/** Runs a command's handler and records its exit code; supplied by run(). */
export type Dispatch = (commandName: string, args: unknown[], command: Command) => Promise<void>;

export type CommandHandler = (ctx: CommandContext, ...args: never[]) => Promise<ExitCode>;

/**
 * Declares every command and option (DESIGN.md §2). Handlers live in
 * ./commands/<name>.ts and are imported only when their command runs, so
 * `--version` or `lint` never load database drivers.
 */
export function buildProgram(version: string, dispatch: Dispatch): Command {
  const program = new Command('sqlmig')
    .description('Plain-SQL PostgreSQL migrations with a linter that enforces your migration SOP')
    .version(version, '-V, --version', 'print the version');
  for (const global of GLOBAL_OPTIONS) program.addOption(global.option());
  program
    .showHelpAfterError('(run `sqlmig --help` for usage)')
    .addHelpText('after', ENVIRONMENT_HELP)
    // Each command's --help lists the global options that command uses; inherited by the commands declared below.
    .configureHelp({
      showGlobalOptions: true,
      visibleGlobalOptions: (command) => globalOptionsFor(command.name(), program.options),
    })
    .on('command:*', ([name]: string[]) => {
      program.error(`error: unknown command '${name}'${unknownCommandHint(name!)}`, { exitCode: 2, code: 'commander.unknownCommand' });
    });

  const action =
    (name: string) =>
    (...args: unknown[]) =>
      dispatch(name, args.slice(0, -1), args[args.length - 1] as Command);

  const lockWait = () => new Option('--lock-wait <seconds>', 'how long to wait for another run to finish (config lockWait)');
  const connectWait = () => new Option('--wait <seconds>', 'retry the first connection this long (containers start slowly)');
  const runTimeout = () => new Option('--timeout <seconds>', 'give up (exit 2) when the run takes longer than this, e.g. on a connection that stopped answering (config "runTimeout")');
  const noChecksumCache = () => new Option('--no-cache', 'read every migration file instead of reusing checksums of unchanged files from .sqlmig/cache');

  program.command('init').description('write .migraterc.json and the migrations folder').action(action('init'));

  program
    .command('new')
    .description('create the next NNNN_description.up.sql/.down.sql pair and update sqlmig.sum')
    .argument('<description>', 'what the migration does, e.g. "add status to users"')
    .action(action('new'));

  program
    .command('lint')
    .description('lint the whole sequence; report on the given files, or all')
    .argument('[files...]', 'report only on these files (what pre-commit passes)')
    .option('--no-cache', 'do not use the parse cache in .sqlmig/cache')
    .option('--staged', "lint the staged migrations and sqlmig.sum (git's index), as a commit records them")
    .option('--since <git-ref>', 'report only on migration files added or changed since this git ref (pull requests)')
    .addOption(connectWait())
    .action(action('lint'));

  program
    .command('up')
    .description('apply pending migrations in order')
    .option('--to <version>', 'apply up to and including this version')
    .option('--step <n>', 'apply at most n migrations')
    .option('--dry-run', 'print the plan, apply nothing', false)
    .option('--sql', 'print the exact SQL that would run, apply nothing', false)
    .option('--no-lint', 'skip the lint gate on pending files')
    .option('--allow-out-of-order', 'apply pending versions older than the newest applied one', false)
    .addOption(lockWait())
    .addOption(connectWait())
    .addOption(runTimeout())
    .addOption(noChecksumCache())
    .action(action('up'));

  program
    .command('down')
    .description('revert applied migrations, newest first (default: one)')
    .option('--to <version>', 'revert every migration newer than this version (0 reverts all)')
    .option('--step <n>', 'revert n migrations')
    .option('--dry-run', 'print the plan, revert nothing', false)
    .option('--sql', 'print the exact SQL that would run, revert nothing', false)
    .option('--yes', 'revert several migrations, or drop tables or columns, without asking', false)
    .addOption(lockWait())
    .addOption(connectWait())
    .addOption(runTimeout())
    .addOption(noChecksumCache())
    .action(action('down'));

  program
    .command('redo')
    .description('revert the newest applied migration and apply it again')
    .option('--dry-run', 'print the plan, change nothing', false)
    .option('--sql', 'print the exact SQL that would run, change nothing', false)
    .option('--no-lint', 'skip the lint gate')
    .option('--yes', 'revert a down file that drops tables or columns without asking', false)
    .addOption(lockWait())
    .addOption(connectWait())
    .addOption(runTimeout())
    .addOption(noChecksumCache())
    .action(action('redo'));

  program
    .command('status')
    .description('every migration: applied, pending, edited, missing or dirty')
    .addOption(connectWait())
    .addOption(runTimeout())
    .addOption(noChecksumCache())
    .action(action('status'));

  program.command('current').description('print the current version').addOption(connectWait()).addOption(runTimeout()).action(action('current'));

  program
    .command('history')
    .description('applied migrations with time, duration and who applied them')
    .addOption(connectWait())
    .addOption(runTimeout())
    .action(action('history'));

  program
    .command('stamp')
    .description('record migrations up to <version> as applied without running them (baseline), or take over another tool\'s history (--from)')
    .argument('[version]', 'the version the database is already at')
    .addOption(new Option('--from <tool>', "record what this tool's history table records as applied (leaves that table as it is)").choices([...HISTORY_TOOLS]))
    .option('--from-table <[schema.]table>', "with --from: the tool's history table when it is not under the tool's own name")
    .addOption(lockWait())
    .addOption(connectWait())
    .addOption(runTimeout())
    .addOption(noChecksumCache())
    .action(action('stamp'));

  program
    .command('validate')
    .description('run every check `up` makes before applying, without applying (exit 1 on any problem)')
    .option('--allow-out-of-order', 'accept pending versions older than the newest applied one', false)
    .option('--no-lint', 'skip the lint check of pending files')
    .addOption(connectWait())
    .addOption(runTimeout())
    .addOption(noChecksumCache())
    .action(action('validate'));

  program
    .command('resolve')
    .description('clear the dirty flag of a migration after fixing the database by hand')
    .argument('<version>', 'the dirty version')
    .option('--applied', 'the migration did take effect: keep it recorded as applied')
    .option('--rolled-back', 'the migration did not take effect: remove its row')
    .addOption(lockWait())
    .addOption(connectWait())
    .addOption(runTimeout())
    .action(action('resolve'));

  program
    .command('verify')
    .description('round-trip test in a throwaway database: up, down, up for each migration')
    .option('--to <version>', 'verify migrations up to this version')
    .option('--trace', "record what each up file locks and rewrites on the tables that existed before it, beside lint's predictions")
    .option('--fail-on-lock <mode>', 'exit 1 when a migration takes this lock mode or a stronger one on an existing table (implies --trace), e.g. ShareLock')
    .addOption(connectWait())
    .action(action('verify'));

  program
    .command('dump')
    .description('write the schema the migrations produce as SQL (applied in a throwaway database)')
    .option('--to <version>', 'the schema after this version (default: all migrations)')
    .option('-o, --output <file>', 'write it to this file instead of stdout (e.g. schema.sql)')
    .addOption(connectWait())
    .action(action('dump'));

  program.command('hash').description('rewrite sqlmig.sum after a deliberate edit').action(action('hash'));

  program
    .command('import')
    .description("write another tool's migrations (goose, dbmate, flyway, diesel, prisma, …) as sqlmig files and sqlmig.sum")
    .argument('<dir>', "the other tool's migrations folder")
    .option('--from <layout>', `the tool whose layout it is (default: detected): ${LAYOUT_IDS.join(', ')}`)
    .option('--to <dir>', 'where the sqlmig files go (default: the migrations folder, "dir")')
    .option('--history', "then take over the tool's history table in the database (as `stamp --from <tool>`; needs --url or a configured database)")
    .option('--from-table <[schema.]table>', "with --history: the tool's history table when it is not under the tool's own name")
    .addOption(lockWait())
    .addOption(connectWait())
    .action(action('import'));

  program.command('rules').description('list the lint rules and their severities').action(action('rules'));

  program
    .command('explain')
    .description("print a rule's rationale with a bad and a good example")
    .argument('<rule>', 'rule id, e.g. require-if-not-exists')
    .action(action('explain'));

  return program;
}

/** The top-level --help's last part: the variables sqlmig reads. */
const ENVIRONMENT_HELP = `
Environment:
  DATABASE_URL  database URL used when neither --url nor the config names one
  NO_COLOR      no colors
  FORCE_COLOR   colors even when output is not a terminal (FORCE_COLOR=0: none)`;

/** What sqlmig calls the command another tool's user typed, or the command a typo meant. */
function unknownCommandHint(name: string): string {
  const peer = PEER_COMMANDS[name.toLowerCase()];
  if (peer !== undefined) return `: ${peer}`;
  const typo = closestMatch(name, COMMAND_NAMES);
  return typo === undefined ? '' : ` (did you mean ${typo}?)`;
}

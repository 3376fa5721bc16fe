import { constants } from 'node:os';
import { relative, resolve } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { SqlmigError, type ExitCode } from '../errors.js';
import { toolPlace, type InPlaceFolder } from '../migrations/layouts/in-place.js';
import { scrub } from '../redact.js';
import { createContext, initialSecrets, type CommandContext, type GlobalOptions } from './context.js';
import type { CliIO } from './io.js';
import { commandLoaders } from './commands/index.js';
import type { CommandName } from './commands/names.js';
import { checkFormat } from './options.js';
import { buildProgram } from './program.js';
import { packageVersion } from '../package-version.js';
import { formatError } from './format-error.js';

/**
 * Runs the CLI and returns its exit code. The one place where errors become
 * messages and exit codes: 0 ok, 1 findings / failed migration / refused
 * plan, 2 usage, configuration or connection; 128 + the signal's number
 * (130 SIGINT, 143 SIGTERM) when `io.signal` was aborted with a signal name.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = 0;
  let context: CommandContext | undefined;
  const secrets = initialSecrets(io, urlFromArgv(argv));
  const rawErr = (text: string) => io.stderr.write(text);

  const program = buildProgram(packageVersion(), async (name, args, command) => {
    context = createContext(io, globalsOf(command), secrets, name);
    checkFormat(name as CommandName, context.globals.format);
    const load = commandLoaders[name];
    if (!load) throw new Error(`no handler for command ${name}`);
    const module = await load();
    exitCode = await (module.default as (ctx: CommandContext, ...rest: unknown[]) => Promise<ExitCode>)(context, ...args);
  });
  // Subcommands copy these settings only when created, so set them on each.
  for (const command of [program, ...program.commands]) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => io.stdout.write(scrub(text, secrets)),
      writeErr: (text) => rawErr(scrub(text, secrets)),
      outputError: (text, write) => write(text),
    });
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0; everything else is usage.
      return error.exitCode === 0 ? 0 : 2;
    }
    const verbose = context?.globals.verbose ?? argv.includes('--verbose');
    const write = context ? context.err : (text: string) => rawErr(text + '\n');
    write(formatError(atToolPlace(error, context?.inPlace(), io.cwd), { verbose, cwd: io.cwd }));
    return interruptedExitCode(io) ?? (error instanceof SqlmigError ? error.exitCode : 2);
  }
  return interruptedExitCode(io) ?? exitCode;
}

/** 128 + the signal's number, as shells report a process a signal ended: SIGINT 130, SIGTERM 143. */
export function signalExitCode(signal: 'SIGINT' | 'SIGTERM'): number {
  return 128 + constants.signals[signal];
}

/** An interrupted run ends with the signal's exit code even when the command finished its work meanwhile. */
function interruptedExitCode(io: CliIO): number | undefined {
  const reason: unknown = io.signal?.aborted ? io.signal.reason : undefined;
  return reason === 'SIGINT' || reason === 'SIGTERM' ? signalExitCode(reason) : undefined;
}

/**
 * A failure in a converted file of another tool's folder (up or down in place) is shown at the
 * tool's file and line: its location, and every `file:line` of a converted file its message names
 * (the lint gate's findings, refusals).
 */
function atToolPlace(error: unknown, inPlace: InPlaceFolder | undefined, cwd: string): unknown {
  if (!inPlace || !(error instanceof SqlmigError)) return error;
  let location = error.location;
  if (location !== undefined) {
    const place = toolPlace(inPlace, resolve(cwd, location.file), location.line ?? 1);
    location = { ...location, file: place.file, ...(location.line !== undefined ? { line: place.line } : {}) };
  }
  let message = error.message;
  for (const converted of inPlace.origins.keys()) {
    const shown = relative(cwd, converted);
    if (!message.includes(shown)) continue;
    message = message
      .split(shown)
      .map((piece, index) => {
        if (index === 0) return piece;
        const line = /^:(\d+)/.exec(piece);
        const place = toolPlace(inPlace, converted, line ? Number(line[1]) : 1);
        return relative(cwd, place.file) + (line ? `:${place.line}${piece.slice(line[0].length)}` : piece);
      })
      .join('');
  }
  // A copy with the tool's places: the error's fields are its own, so the copy formats the same way.
  return Object.assign(Object.create(Object.getPrototypeOf(error) as object) as SqlmigError, error, { location, message, stack: error.stack });
}

function globalsOf(command: Command): GlobalOptions {
  const opts = command.optsWithGlobals() as Partial<GlobalOptions> & { color?: boolean };
  return {
    config: opts.config,
    env: opts.env,
    envFile: opts.envFile,
    url: opts.url,
    dir: opts.dir,
    layout: opts.layout,
    format: opts.format,
    color: opts.color !== false,
    quiet: opts.quiet === true,
    verbose: opts.verbose === true,
  };
}

/** The --url value, known before parsing so that even usage errors cannot echo its password. */
function urlFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--url') return argv[i + 1];
    if (arg.startsWith('--url=')) return arg.slice('--url='.length);
  }
  return undefined;
}

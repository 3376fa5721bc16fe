import { loadConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { collectSecrets, scrub } from '../redact.js';
import type { CliIO, OutputStream } from './io.js';

export type OutputFormat = 'pretty' | 'json' | 'github' | 'sarif';

export interface GlobalOptions {
  config?: string;
  env?: string;
  envFile?: string;
  url?: string;
  dir?: string;
  format?: OutputFormat;
  color: boolean;
  quiet: boolean;
  verbose: boolean;
}

/** What a command handler gets: parsed global options, output helpers, lazy config. */
export interface CommandContext {
  io: CliIO;
  /** The command's name (`up`, `status`, …). */
  command: string;
  globals: GlobalOptions;
  /** Colors on: no --no-color, and FORCE_COLOR, or a TTY without NO_COLOR (see colorWanted). */
  color: boolean;
  /** Writes a line to stdout (secrets scrubbed). */
  out(text: string): void;
  /** Writes a line to stderr (secrets scrubbed). */
  err(text: string): void;
  /** Informational line on stderr, suppressed by --quiet. */
  info(text: string): void;
  /** Reads `.migraterc.json` once (--config, --env, --dir applied); `withoutEnvironment`: --env not applied (it names several targets). */
  config(options?: { withoutEnvironment: boolean }): Promise<Config>;
  /** Secrets to keep out of output; commands add the ones they learn (resolved URLs). */
  addSecrets(secrets: readonly string[]): void;
}

export function createContext(io: CliIO, globals: GlobalOptions, secrets: string[], command = ''): CommandContext {
  const streamColor = (stream: OutputStream) => globals.color && colorWanted(io.env, stream);
  const line = (stream: OutputStream, text: string) => {
    stream.write(scrub(text, secrets) + (text.endsWith('\n') ? '' : '\n'));
  };
  const configs = new Map<boolean, Promise<Config>>();
  return {
    io,
    command,
    globals,
    color: streamColor(io.stdout),
    out: (text) => line(io.stdout, text),
    err: (text) => line(io.stderr, text),
    info: (text) => {
      if (!globals.quiet) line(io.stderr, text);
    },
    config: (options) => {
      const withoutEnvironment = options?.withoutEnvironment === true;
      let loaded = configs.get(withoutEnvironment);
      if (loaded === undefined) {
        loaded = loadConfig({
          cwd: io.cwd,
          configPath: globals.config,
          env: io.env,
          environment: withoutEnvironment ? undefined : globals.env,
          dir: globals.dir,
          envFile: globals.envFile,
        });
        configs.set(withoutEnvironment, loaded);
      }
      return loaded;
    },
    addSecrets: (more) => {
      for (const secret of more) if (!secrets.includes(secret)) secrets.push(secret);
    },
  };
}

export function initialSecrets(io: CliIO, url: string | undefined): string[] {
  return collectSecrets(io.env, [url]);
}

/**
 * Colors by the environment, as Node's own tty.hasColors() reads it:
 * FORCE_COLOR (any value but 0/false) forces them, also into a pipe or a CI
 * log, and wins over NO_COLOR; FORCE_COLOR=0 turns them off; else a terminal
 * other than TERM=dumb, unless NO_COLOR is set.
 */
function colorWanted(env: Record<string, string | undefined>, stream: OutputStream): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

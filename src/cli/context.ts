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
  /** Colors on: a TTY, no NO_COLOR, no --no-color. */
  color: boolean;
  /** Writes a line to stdout (secrets scrubbed). */
  out(text: string): void;
  /** Writes a line to stderr (secrets scrubbed). */
  err(text: string): void;
  /** Informational line on stderr, suppressed by --quiet. */
  info(text: string): void;
  /** Reads `.migraterc.json` once (--config, --env, --dir applied). */
  config(): Promise<Config>;
  /** Secrets to keep out of output; commands add the ones they learn (resolved URLs). */
  addSecrets(secrets: readonly string[]): void;
}

export function createContext(io: CliIO, globals: GlobalOptions, secrets: string[], command = ''): CommandContext {
  const streamColor = (stream: OutputStream) =>
    globals.color && stream.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const line = (stream: OutputStream, text: string) => {
    stream.write(scrub(text, secrets) + (text.endsWith('\n') ? '' : '\n'));
  };
  let configPromise: Promise<Config> | undefined;
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
    config: () => {
      configPromise ??= loadConfig({
        cwd: io.cwd,
        configPath: globals.config,
        env: io.env,
        environment: globals.env,
        dir: globals.dir,
        envFile: globals.envFile,
      });
      return configPromise;
    },
    addSecrets: (more) => {
      for (const secret of more) if (!secrets.includes(secret)) secrets.push(secret);
    },
  };
}

export function initialSecrets(io: CliIO, url: string | undefined): string[] {
  return collectSecrets(io.env, [url]);
}

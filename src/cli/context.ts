import { loadConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { UsageError } from '../errors.js';
import { detectFolder, detectLayout } from '../migrations/layouts/index.js';
import { inPlaceFolder, type InPlaceFolder } from '../migrations/layouts/in-place.js';
import type { FolderListing, LayoutId } from '../migrations/layouts/types.js';
import { collectSecrets, scrub } from '../redact.js';
import type { CliIO, OutputStream } from './io.js';

export type OutputFormat = 'pretty' | 'json' | 'github' | 'sarif';

export interface GlobalOptions {
  config?: string;
  env?: string;
  envFile?: string;
  url?: string;
  dir?: string;
  layout?: LayoutId;
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
  /**
   * Reads `.migraterc.json` once (--config, --env, --dir, --layout applied). For a command that
   * works in place on another tool's folder, `dir` is that folder converted to sqlmig files (see inPlace).
   * `withoutEnvironment`: --env not applied (it names several targets, which apply their own entries).
   */
  config(options?: { withoutEnvironment: boolean }): Promise<Config>;
  /** After config(): the other tool's folder the command works on in place, if any. */
  inPlace(): InPlaceFolder | undefined;
  /** After config(): the sqlmig migrations folder as layout detection listed it, for discovery to reuse; undefined when not listed. */
  folderListing(): FolderListing | undefined;
  /** Secrets to keep out of output; commands add the ones they learn (resolved URLs). */
  addSecrets(secrets: readonly string[]): void;
}

export function createContext(io: CliIO, globals: GlobalOptions, secrets: string[], command = ''): CommandContext {
  const streamColor = (stream: OutputStream) => globals.color && colorWanted(io.env, stream);
  const line = (stream: OutputStream, text: string) => {
    stream.write(scrub(text, secrets) + (text.endsWith('\n') ? '' : '\n'));
  };
  const configs = new Map<boolean, Promise<Config>>();
  let inPlace: InPlaceFolder | undefined;
  let folderListing: FolderListing | undefined;
  const inLayout = (config: Config): Config => {
    if (IN_PLACE_COMMANDS.has(command)) {
      const detected = config.layout === undefined ? detectFolder(config.dir) : { layout: config.layout };
      inPlace = inPlaceFolder(config.dir, detected.layout, detected.listing);
      if (!inPlace) {
        folderListing = detected.listing;
        return config;
      }
      // Without a config file the root would be the tool folder's parent, which is not sqlmig's to write into.
      return { ...config, dir: inPlace.dir, ...(config.configFile === null ? { root: inPlace.stateDir } : {}) };
    }
    const layout = SQLMIG_ONLY_COMMANDS.has(command) ? (config.layout ?? detectLayout(config.dir)) : 'sqlmig';
    if (layout !== 'sqlmig') {
      throw new UsageError(`sqlmig ${command} works on sqlmig's own layout, and ${config.dir} is a ${layout} folder`, {
        hint: `keep using ${layout}'s own command for this, or move to sqlmig with \`sqlmig import\``,
      });
    }
    return config;
  };
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
          layout: globals.layout,
          envFile: globals.envFile,
        }).then(inLayout);
        configs.set(withoutEnvironment, loaded);
      }
      return loaded;
    },
    inPlace: () => inPlace,
    folderListing: () => folderListing,
    addSecrets: (more) => {
      for (const secret of more) if (!secrets.includes(secret)) secrets.push(secret);
    },
  };
}

/** The commands that lint or run another tool's folder in place (issue 17). */
const IN_PLACE_COMMANDS = new Set(['lint', 'up', 'down', 'redo', 'status', 'current', 'history', 'validate', 'verify', 'stamp', 'resolve']);
/** The commands that write into the migrations folder: they refuse another tool's. */
const SQLMIG_ONLY_COMMANDS = new Set(['new', 'hash', 'diff']);

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

import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { CONFIG_FILE_NAME, configDefaults } from '../../config/index.js';
import { ConfigError, FileError, type ExitCode } from '../../errors.js';
import { discoverMigrations, migrationFiles } from '../../migrations/index.js';
import type { CommandContext } from '../context.js';

/**
 * `sqlmig init`: writes `.migraterc.json` in the working directory (or at
 * --config) and creates the migrations folder (`sql/`, or --dir). Never
 * overwrites a config file.
 */
export default async function init(ctx: CommandContext): Promise<ExitCode> {
  const cwd = ctx.io.cwd;
  const configFile = resolve(cwd, ctx.globals.config ?? CONFIG_FILE_NAME);
  const root = dirname(configFile);
  const dir = ctx.globals.dir !== undefined ? resolve(cwd, ctx.globals.dir) : resolve(root, configDefaults.dir);
  const shown = (path: string) => relative(cwd, path) || '.';

  const dirExists = await isExistingFolder(dir);
  // Adopting sqlmig in a project with history: lint reports on new migrations only.
  const versions = dirExists ? migrationFiles(discoverMigrations(dir)).map((file) => file.version) : [];
  const baseline = versions.length > 0 ? Math.max(...versions) : undefined;
  const contents = {
    $schema: './node_modules/sqlmig/schema.json',
    // Relative to the config file and with `/`, so the file works on every machine.
    dir: relative(root, dir).split(sep).join('/') || '.',
    // Names the embedded database explicitly: an unset DATABASE_URL is an error only where no default is given.
    databaseUrl: '${DATABASE_URL:-pglite://.sqlmig/pglite}',
    schema: configDefaults.schema,
    table: configDefaults.table,
    lockTimeout: configDefaults.lockTimeout,
    lockWait: configDefaults.lockWait,
    statementTimeout: configDefaults.statementTimeout,
    lint: {
      rules: {},
      knownTables: [],
      statusColumns: configDefaults.lint.statusColumns,
      ...(baseline !== undefined ? { baseline } : {}),
    },
  };
  await writeNewFile(configFile, JSON.stringify(contents, null, 2) + '\n');
  ctx.out(`created ${shown(configFile)}`);
  if (dirExists) {
    ctx.out(`using the existing folder ${shown(dir)}/`);
    if (baseline !== undefined) ctx.info(`lint.baseline is ${baseline}: lint reports on migrations after it, not on the ones already there`);
  } else {
    await mkdir(dir, { recursive: true });
    ctx.out(`created ${shown(dir)}/`);
  }
  ctx.info('next: sqlmig new "create users"');
  if (!(await gitignoreMentionsSqlmig(root))) {
    ctx.info('add .sqlmig/ to .gitignore: the embedded database (used when no database URL is set) lives there');
  }
  return 0;
}

/** True for a folder, false when nothing is there; a file in the way is an error before anything is written. */
async function isExistingFolder(path: string): Promise<boolean> {
  try {
    if ((await stat(path)).isDirectory()) return true;
  } catch {
    return false;
  }
  throw new FileError('the migrations folder exists as a file', { location: { file: path }, hint: 'move the file, or choose another folder with --dir' });
}

async function writeNewFile(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    // 'wx' fails if the file exists, so two runs at once cannot both write it.
    await writeFile(path, text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ConfigError(
        'the config file already exists; not overwriting it',
        { location: { file: path }, hint: 'edit it, or delete it and run `sqlmig init` again' },
        'CONFIG_EXISTS',
      );
    }
    throw new FileError(`cannot write the config file: ${(error as Error).message}`, { location: { file: path }, cause: error });
  }
}

async function gitignoreMentionsSqlmig(root: string): Promise<boolean> {
  try {
    const lines = (await readFile(resolve(root, '.gitignore'), 'utf8')).split(/\r?\n/);
    return lines.some((line) => /^\/?\.sqlmig\/?$/.test(line.trim()));
  } catch {
    return false;
  }
}

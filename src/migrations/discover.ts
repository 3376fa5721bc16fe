import { readlinkSync, statSync, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import { ConfigError, FileError } from '../errors.js';
import { isFileNameError, parseFileName } from './filename.js';
import { errnoCode, fsErrorReason } from './fs-error.js';
import { compareStrings, currentListing } from './layouts/folder.js';
import type { FolderListing } from './layouts/types.js';
import type { FileProblem, Migration, MigrationFile, MigrationSet } from './types.js';

/**
 * Names checked against the grammar: everything ending in `.sql` (any case),
 * and `.up` / `.down` (a forgotten extension). Other files (sqlmig.sum,
 * README.md, backups such as `.sql.bak`), dot files and subfolders are not
 * migrations.
 */
const CANDIDATE_NAME = /^[^.].*\.(?:sql|up|down)$/is;

/**
 * Lists the migrations folder (or takes `listing`, the same folder as layout detection listed it,
 * if no file was added, removed or renamed since), pairs up and down files by version and reports
 * every problem as data.
 */
export function discoverMigrations(dir: string, listing?: FolderListing): MigrationSet {
  const root = resolve(dir);
  const { mtimeMs } = assertDirectory(root);
  const { files: names, brokenLinks } = currentListing(root, listing, mtimeMs);

  // Concatenated rather than path.join()ed: join builds each path from every one of its segments again.
  const folder = root.endsWith(sep) ? root : root + sep;
  const problems: FileProblem[] = [];
  for (const name of brokenLinks) if (CANDIDATE_NAME.test(name)) problems.push(brokenSymlinkProblem(`${folder}${name}`, name));
  const files: MigrationFile[] = [];
  for (const name of names) {
    if (!CANDIDATE_NAME.test(name)) continue;
    const path = `${folder}${name}`;
    const parsed = parseFileName(name);
    if (isFileNameError(parsed)) {
      problems.push({
        kind: 'bad-name',
        path,
        message: `"${name}" is not a valid migration file name: ${parsed.error}`,
        hint: parsed.hint,
      });
    } else {
      // Spelled out: { ...parsed, path } gave every file object a hidden class of its own.
      files.push({ version: parsed.version, name: parsed.name, direction: parsed.direction, fileName: parsed.fileName, path });
    }
  }

  const { migrations, problems: pairingProblems, mismatched } = pairByVersion(files);
  problems.push(...pairingProblems);
  problems.sort((a, b) => compareStrings(a.path, b.path));
  return { dir: root, migrations, problems, mismatched };
}

/** Every file of the set's migrations, in version order, up before down. */
export function migrationFiles(set: MigrationSet): MigrationFile[] {
  // A loop, not flatMap over a filtered pair per migration: lint calls this before V8 optimises anything, and
  // the interpreter took ~5 ms a call for 5,000 migrations (CPU profiles of cold lints).
  const files: MigrationFile[] = [];
  for (const { up, down } of set.migrations) {
    if (up) files.push(up);
    if (down) files.push(down);
  }
  return files;
}

function assertDirectory(dir: string): Stats {
  const hint = 'run `sqlmig init` to create it, or point "dir" in .migraterc.json (or --dir) at your migrations';
  try {
    const stats = statSync(dir);
    if (!stats.isDirectory()) {
      throw new ConfigError('the migrations folder is a file, not a folder', { location: { file: dir }, hint });
    }
    return stats;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ConfigError('the migrations folder does not exist', { location: { file: dir }, hint, cause: error });
    }
    throw new FileError(`cannot open the migrations folder: ${fsErrorReason(error)}`, { location: { file: dir }, cause: error });
  }
}

function brokenSymlinkProblem(path: string, fileName: string): FileProblem {
  let target: string | undefined;
  try {
    target = readlinkSync(path);
  } catch {
    target = undefined;
  }
  return {
    kind: 'broken-symlink',
    path,
    message:
      target === undefined
        ? `"${fileName}" is a symbolic link that cannot be followed`
        : `"${fileName}" is a symbolic link to "${target}", which does not exist or cannot be reached`,
    hint: 'fix the link or remove it',
  };
}

/**
 * Files of one version belong together when they share the whole stem
 * (`0007_a`): `0007_a` and `0007_b`, or `007_a` and `0007_a`, are two
 * migrations claiming one version — the typical result of merging two
 * branches. The pair of the first up file by name is kept.
 */
function pairByVersion(files: MigrationFile[]): { migrations: Migration[]; problems: FileProblem[]; mismatched: MigrationFile[] } {
  const byVersion = new Map<number, MigrationFile[]>();
  for (const file of [...files].sort((a, b) => compareStrings(a.fileName, b.fileName))) {
    const group = byVersion.get(file.version);
    if (group) group.push(file);
    else byVersion.set(file.version, [file]);
  }
  const versions = [...byVersion.keys()].sort((a, b) => a - b);
  const nextFree = (versions.at(-1) ?? 0) + 1;

  const migrations: Migration[] = [];
  const problems: FileProblem[] = [];
  const mismatched: MigrationFile[] = [];
  for (const version of versions) {
    const group = byVersion.get(version)!;
    const keeper = group.find((file) => file.direction === 'up') ?? group[0]!;
    const migration: Migration = { version, name: keeper.name };
    for (const file of group) {
      if (stem(file) === stem(keeper)) migration[file.direction] = file;
    }
    for (const file of group) {
      if (stem(file) === stem(keeper)) continue;
      problems.push(duplicateProblem(file, migration, nextFree));
      const lacking = migration.up !== undefined && migration[file.direction] === undefined;
      if (lacking && !mismatched.some((other) => other.version === version && other.direction === file.direction)) mismatched.push(file);
    }
    if (!migration.up) {
      problems.push({
        kind: 'orphan-down',
        path: keeper.path,
        message: `"${keeper.fileName}" has no up file "${stem(keeper)}.up.sql"`,
        hint: 'add the up file, or delete this down file if its migration was removed',
      });
    }
    migrations.push(migration);
  }
  return { migrations, problems, mismatched };
}

function duplicateProblem(file: MigrationFile, kept: Migration, nextFree: number): FileProblem {
  const counterpart = kept[file.direction];
  if (counterpart) {
    return {
      kind: 'duplicate-version',
      path: file.path,
      message: `"${file.fileName}" and "${counterpart.fileName}" both have version ${file.version}`,
      hint: `two branches probably added the same version: renumber one migration (both its files) to an unused version such as ${padLike(file, nextFree)}, then run \`sqlmig hash\``,
    };
  }
  const other = (kept.up ?? kept.down)!;
  return {
    kind: 'duplicate-version',
    path: file.path,
    message: `"${file.fileName}" has version ${file.version} like "${other.fileName}" but a different name`,
    hint: `if it belongs to "${other.fileName}", rename it to "${stem(other)}.${file.direction}.sql"; otherwise give it an unused version such as ${padLike(file, nextFree)}`,
  };
}

/** `0007_a` of `0007_a.up.sql`: the part up and down files share. */
function stem(file: MigrationFile): string {
  return file.fileName.slice(0, -`.${file.direction}.sql`.length);
}

function padLike(file: MigrationFile, version: number): string {
  const width = file.fileName.indexOf('_');
  return String(version).padStart(width, '0');
}

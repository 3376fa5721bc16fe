import type { Direction, MigrationFile } from './types.js';

/** DESIGN.md §1. */
const FILE_NAME = /^(\d+)_([a-z0-9][a-z0-9_]*)\.(up|down)\.sql$/;

export type ParsedFileName = Omit<MigrationFile, 'path'>;

export interface FileNameError {
  /** Every reason the name does not match, e.g. `uppercase letters in the description`. */
  error: string;
  /** How to fix it, with a suggested name where one can be derived. */
  hint: string;
}

export function isFileNameError(parsed: ParsedFileName | FileNameError): parsed is FileNameError {
  return 'error' in parsed;
}

/** Parses `0001_create_users.up.sql`; for a near-miss, says precisely what is wrong. */
export function parseFileName(fileName: string): ParsedFileName | FileNameError {
  const match = FILE_NAME.exec(fileName);
  if (match && versionProblem(match[1]!) === undefined) {
    return { version: Number(match[1]), name: match[2]!, direction: match[3] as Direction, fileName };
  }
  return diagnose(fileName);
}

/**
 * Lowercase, every run of characters other than a-z and 0-9 becomes one `_`,
 * no `_` at either end. Accents are dropped first (`café` → `cafe`).
 */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function versionProblem(digits: string): string | undefined {
  const version = Number(digits);
  if (version > Number.MAX_SAFE_INTEGER) {
    return `version ${digits} is too large (the largest is ${Number.MAX_SAFE_INTEGER})`;
  }
  // `down --to 0` means "before the first migration", so no migration can be version 0.
  if (version === 0) return 'version 0 is reserved for "no migration applied"; versions start at 1';
  return undefined;
}

/** Takes the name apart loosely (extension, direction, version, description) and names every deviation. */
function diagnose(fileName: string): FileNameError {
  const reasons: string[] = [];

  let rest = fileName;
  const extension = /\.sql$/i.exec(rest);
  if (extension) {
    if (extension[0] !== '.sql') reasons.push(`the extension must be lowercase ".sql", not "${extension[0]}"`);
    rest = rest.slice(0, -extension[0].length);
  } else {
    reasons.push('missing the ".sql" extension');
  }

  let direction: Direction = 'up';
  const directionMatch = /([._-])(up|down)$/i.exec(rest);
  if (directionMatch) {
    const [whole, separator, word] = directionMatch as unknown as [string, string, string];
    direction = word.toLowerCase() as Direction;
    if (separator !== '.') reasons.push(`"${separator}${word}" must be ".${direction}"`);
    else if (word !== direction) reasons.push(`".${word}" must be lowercase ".${direction}"`);
    rest = rest.slice(0, -whole.length);
  } else {
    reasons.push('missing ".up" or ".down" before ".sql"');
  }

  let version = 'NNNN';
  let description: string;
  const flyway = /^V(\d+)__(.*)$/i.exec(rest);
  const numbered = /^(\d+)(.*)$/.exec(rest);
  if (flyway) {
    reasons.push('this is a Flyway-style name; sqlmig names files NNNN_description.up.sql and .down.sql');
    version = flyway[1]!;
    description = flyway[2]!;
  } else if (numbered) {
    const digits = numbered[1]!;
    const afterVersion = numbered[2]!;
    const problem = versionProblem(digits);
    if (problem) reasons.push(problem);
    else version = digits;
    if (afterVersion === '') {
      reasons.push('missing the description after the version');
      description = '';
    } else if (afterVersion.startsWith('_')) {
      description = afterVersion.slice(1);
    } else if (/^[a-z0-9]/i.test(afterVersion)) {
      reasons.push('the version must be followed by "_"');
      description = afterVersion;
    } else {
      reasons.push(`the version must be followed by "_", not "${afterVersion[0]}"`);
      description = afterVersion.slice(1);
    }
  } else {
    reasons.push('no version: the name must start with a number, e.g. "0001_"');
    description = rest;
  }

  if (/[A-Z]/.test(description)) reasons.push('uppercase letters in the description');
  if (description.includes('-')) reasons.push('"-" instead of "_" in the description');
  const others = [...new Set(description.replace(/[a-zA-Z0-9_-]/g, ''))];
  if (others.length > 0) {
    reasons.push(`characters other than a-z, 0-9 and "_" in the description: ${others.map((c) => JSON.stringify(c)).join(' ')}`);
  }
  if (description.startsWith('_')) reasons.push('the description must start with a letter or digit');
  if (reasons.length === 0) reasons.push('does not match NNNN_description.up.sql / NNNN_description.down.sql');

  const suggestion = `${version}_${slugify(description) || 'description'}.${direction}.sql`;
  const hint =
    version === 'NNNN'
      ? `rename it to ${suggestion}, with NNNN the next free version`
      : `rename it to ${suggestion}`;
  return { error: reasons.join('; '), hint };
}

import { join } from 'node:path';
import { compareStrings, readText, sortLeftOut } from './folder.js';
import type { FolderListing, Layout, LayoutFolder, LayoutId, LayoutMigration, LayoutPart, LeftOut } from './types.js';

/** Groups: version, name, dialect, `.autocommit`, direction, extension. */
const NAME = /^(\d+)_([^.]+)(?:\.([a-z0-9]+))??(\.autocommit)?\.(up|down)\.(sql|fizz)$/;
/** `{{ index .Options "Namespace" }}`: pop renders every file as a Go template with the app's options. */
const OPTION = /\{\{\s*index\s+\.Options\s+"([^"]+)"\s*\}\}/g;
/** The options the templates may name, with the value the app uses by default (supabase/auth: `auth`). */
const OPTION_DEFAULTS: Readonly<Record<string, string>> = { Namespace: 'auth' };

interface Candidate {
  version: string;
  name: string;
  direction: 'up' | 'down';
  dialect: string | undefined;
  part: LayoutPart;
}

/**
 * ory popx and gobuffalo pop: `{version}_{name}[.{dialect}][.autocommit].(up|down).sql`, ordered by
 * the version as a string. Per version and direction, a `.postgres.` file replaces the
 * dialect-neutral one; other dialects are for other databases. `.autocommit.` (popx) runs the file
 * outside a transaction. pop renders files as Go templates: `{{ index .Options "Namespace" }}` is
 * filled with its default, `auth`; any other template leaves the file out, named.
 */
function readPop(listing: FolderListing, layout: LayoutId): LayoutFolder {
  const leftOut: LeftOut[] = [];
  const chosen = new Map<string, Candidate>();
  for (const file of listing.files) {
    const path = join(listing.dir, file);
    const match = NAME.exec(file);
    if (!match) {
      leftOut.push({ path, reason: `not a ${layout} migration file`, needsAttention: /\.(sql|fizz|go)$/.test(file) });
      continue;
    }
    const [, version, name, dialect, autocommit, direction, extension] = match as unknown as [string, string, string, string | undefined, string | undefined, 'up' | 'down', string];
    if (extension === 'fizz') {
      leftOut.push({ path, reason: 'a fizz migration (pop DSL): convert it to SQL by hand', needsAttention: true });
      continue;
    }
    if (dialect !== undefined && dialect !== 'postgres') {
      leftOut.push({ path, reason: `for ${dialect}, not PostgreSQL`, needsAttention: false });
      continue;
    }
    let text = readText(path);
    if (layout === 'pop') {
      const rendered = renderTemplate(text);
      if (rendered === undefined) {
        leftOut.push({ path, reason: 'a Go template beyond {{ index .Options "Namespace" }}: render it and import the result', needsAttention: true });
        continue;
      }
      text = rendered;
    }
    const candidate: Candidate = { version, name, direction, dialect, part: { path, text, firstLine: 1, noTransaction: autocommit !== undefined } };
    const key = `${version} ${direction}`;
    const other = chosen.get(key);
    if (other === undefined) chosen.set(key, candidate);
    else if (other.dialect === undefined && dialect === 'postgres') {
      chosen.set(key, candidate);
      leftOut.push({ path: other.part.path, reason: `replaced by ${file} (the tool prefers the .postgres. file)`, needsAttention: false });
    } else {
      const reason = dialect === undefined && other.dialect === 'postgres' ? 'replaced by the .postgres. file of its version' : `a second ${direction} file for version ${version}`;
      leftOut.push({ path, reason, needsAttention: reason.startsWith('a second') });
    }
  }
  const byVersion = new Map<string, LayoutMigration>();
  for (const candidate of chosen.values()) {
    const migration = byVersion.get(candidate.version) ?? { version: candidate.version, name: candidate.name };
    migration[candidate.direction] = candidate.part;
    if (candidate.direction === 'up') migration.name = candidate.name;
    byVersion.set(candidate.version, migration);
  }
  const migrations = [...byVersion.values()].sort((a, b) => compareStrings(a.version, b.version));
  return { layout, dir: listing.dir, migrations, leftOut: sortLeftOut(leftOut) };
}

function renderTemplate(text: string): string | undefined {
  let unknown = false;
  const rendered = text.replace(OPTION, (whole, option: string) => {
    const value = OPTION_DEFAULTS[option];
    if (value === undefined) unknown = true;
    return value ?? whole;
  });
  return unknown || rendered.includes('{{') ? undefined : rendered;
}

const popxName = (listing: FolderListing) => listing.files.some((file) => hasThreeDots(file) && /\.(postgres|cockroach|mysql|sqlite3)\.(autocommit\.)?(up|down)\.sql$|\.autocommit\.(up|down)\.sql$/.test(file));

/** A name with a dialect or autocommit part has three dots or more; detection tests every name of every folder, most with two. */
function hasThreeDots(name: string): boolean {
  let at = -1;
  for (let dots = 0; dots < 3; dots++) {
    at = name.indexOf('.', at + 1);
    if (at === -1) return false;
  }
  return true;
}

export const popx: Layout = {
  id: 'popx',
  description: 'ory popx ({version}_{name}[.postgres][.autocommit].up.sql / .down.sql)',
  detect: (listing) => popxName(listing) && !templated(listing),
  read: (listing) => readPop(listing, 'popx'),
};

export const pop: Layout = {
  id: 'pop',
  description: 'gobuffalo pop ({version}_{name}[.postgres].up.sql / .down.sql, Go templates)',
  detect: (listing) => templated(listing),
  read: (listing) => readPop(listing, 'pop'),
};

/** pop's template syntax in the first up file. */
function templated(listing: FolderListing): boolean {
  const first = listing.files.find((file) => NAME.test(file) && file.endsWith('.up.sql'));
  return first !== undefined && /\{\{[^}]*\.Options/.test(readText(join(listing.dir, first)));
}

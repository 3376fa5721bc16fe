import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { convertRevisions } from '../alembic/convert.js';
import { RevisionOrderError } from '../alembic/order.js';
import { leftOutFile, readText, sortLeftOut } from './folder.js';
import type { Layout, LayoutMigration, LayoutPart } from './types.js';

/**
 * Alembic's versions folder (`<revision>_<slug>.py`), read without Python (src/migrations/alembic/): the
 * revisions in down_revision order, numbered 1, 2, …; a revision whose upgrade()/downgrade() is only
 * op.execute() of literal SQL becomes SQL, anything else is left out with the file, line and how to convert
 * it. Never guessed (`--from alembic`): the SQL is taken out of Python, so its lines are not the file's.
 */
export const alembic: Layout = {
  id: 'alembic',
  description: 'Alembic (versions/<revision>_<slug>.py; op.execute() with literal SQL converted, the rest listed)',
  detect: () => false,
  read: (listing) => {
    const leftOut = listing.folders.map((folder) => leftOutFile(listing.dir, folder, 'a folder: Alembic reads the .py files of the versions folder', false));
    const sources: Array<{ path: string; text: string }> = [];
    for (const file of listing.files) {
      if (!file.endsWith('.py') || file === '__init__.py') leftOut.push(leftOutFile(listing.dir, file, 'not a revision file (.py)', false));
      else sources.push({ path: join(listing.dir, file), text: readText(join(listing.dir, file)) });
    }
    let converted;
    try {
      converted = convertRevisions(sources);
    } catch (error) {
      if (error instanceof RevisionOrderError) throw new ConfigError(error.message, { hint: 'fix the revision files, then import again' }, 'IMPORT_ORDER');
      throw error;
    }
    const part = (path: string, text: string | undefined): LayoutPart | undefined => (text === undefined ? undefined : { path, text, firstLine: 1, noTransaction: false });
    const migrations = converted.migrations.map((m): LayoutMigration => ({
      version: m.revision,
      // Versions are the revisions' places in the chain (the ids are hashes); the hints in leftOut name them.
      number: m.digits,
      name: m.name,
      up: part(m.file, m.up),
      down: part(m.file, m.down),
    }));
    for (const item of converted.unconverted) {
      leftOut.push({ path: item.file, reason: `${item.line ? `line ${item.line}: ` : ''}${item.what}; ${item.hint}`, needsAttention: true });
    }
    return { layout: 'alembic', dir: listing.dir, migrations, leftOut: sortLeftOut(leftOut) };
  },
};

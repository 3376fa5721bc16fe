import { parseFileName, isFileNameError } from '../filename.js';
import type { Layout } from './types.js';
import { readVersionedFiles } from './versioned-files.js';

/**
 * sqlmig's own layout (DESIGN.md §1). Never converted when it is the folder's layout (discover.ts
 * reads it directly); `import --from sqlmig` copies such a folder, and the default is this layout.
 */
export const sqlmigLayout: Layout = {
  id: 'sqlmig',
  description: 'sqlmig (NNNN_name.up.sql / .down.sql, -- sqlmig:no-transaction)',
  detect: () => false,
  read: (listing) =>
    readVersionedFiles(listing, {
      layout: 'sqlmig',
      name: /^(\d+)_([a-z0-9][a-z0-9_]*)\.(up|down)\.sql$/,
      other: (name) => {
        const parsed = parseFileName(name);
        return name === 'sqlmig.sum'
          ? { reason: "sqlmig's integrity file (written again)", needsAttention: false }
          : isFileNameError(parsed) && /\.sql$/i.test(name)
            ? { reason: parsed.error, needsAttention: true }
            : { reason: 'not a migration file', needsAttention: false };
      },
      // The directive is already in the text: the file is copied as it is.
      sql: (text) => ({ text, noTransaction: false }),
    }),
};

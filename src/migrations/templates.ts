/**
 * What `sqlmig new` writes: comments only, no statements, so that an
 * untouched pair does nothing and `sqlmig lint` (require-down) insists on a
 * real down file.
 */
export function upTemplate(fileName: string, description: string): string {
  return `-- ${fileName}: ${description}
--
-- Checklist (the migration SOP; \`sqlmig lint\` checks it):
-- * Make every statement safe to run twice: CREATE TABLE IF NOT EXISTS,
--   ADD COLUMN IF NOT EXISTS, CREATE INDEX IF NOT EXISTS, DROP ... IF EXISTS.
-- * Add a NOT NULL column in steps: add it nullable (or with a DEFAULT),
--   backfill it, then ALTER COLUMN ... SET NOT NULL, on a table with rows
--   only once a CHECK (col IS NOT NULL) NOT VALID, VALIDATEd in an earlier
--   migration, spares its scan.
-- * On a table with rows, avoid long locks: FOREIGN KEY and CHECK are added
--   NOT VALID and VALIDATEd later; UNIQUE and PRIMARY KEY are added USING
--   INDEX of an index built CONCURRENTLY; DEFAULTs are constants or now().
-- * Status-like columns are VARCHAR(255), not TEXT.
-- * Create parent tables before the tables whose foreign keys reference them.
-- * CREATE INDEX CONCURRENTLY goes in a migration of its own whose first
--   line is the directive "-- sqlmig:no-transaction".
-- * sqlmig wraps this file in a transaction: no BEGIN or COMMIT here.
-- * Once this migration is applied anywhere, do not edit it: write a new one.

`;
}

export function downTemplate(fileName: string, upFileName: string): string {
  return `-- ${fileName}: reverts ${upFileName}
--
-- Undo exactly what the up file does, in reverse order:
-- * Drop everything it creates, with IF EXISTS: DROP TABLE IF EXISTS,
--   DROP INDEX IF EXISTS, ALTER TABLE ... DROP COLUMN IF EXISTS.
-- * Drop child tables (those with foreign keys) before their parents.
-- * \`sqlmig lint\` fails while this file has no statements.

`;
}

import type { Rule } from '../src/lint/rule.js';

const rule: Rule = {
  id: 'require-down',
  defaultSeverity: 'error',
  description: 'an up file without a down file, or a down file without statements',
  rationale:
    'SOP "always include a downgrade": every migration ships with the file that reverts it, so a bad deploy ' +
    'can be rolled back with `sqlmig down` instead of hand-written SQL under pressure. A down file with ' +
    'nothing but comments (such as the template `sqlmig new` writes) reverts nothing. Where a migration ' +
    'really cannot be undone (a data fix, say), say so in its down file: ' +
    '`-- sqlmig-disable require-down -- <why>`.',
  examples: {
    bad: [
      {
        name: '0002_add_status_to_orders.up.sql',
        sql: "ALTER TABLE orders ADD COLUMN IF NOT EXISTS status varchar(255) DEFAULT 'new';",
        expect: [{ line: 1, column: 1, message: 'no down file' }],
      },
      {
        name: '0002_add_status_to_orders.down.sql',
        sql: '-- 0002_add_status_to_orders.down.sql: reverts 0002_add_status_to_orders.up.sql\n--\n-- Undo exactly what the up file does.\n',
        files: [
          {
            name: '0002_add_status_to_orders.up.sql',
            sql: "ALTER TABLE orders ADD COLUMN IF NOT EXISTS status varchar(255) DEFAULT 'new';",
          },
        ],
        expect: [{ line: 1, column: 1, message: 'no statements' }],
      },
    ],
    good: [
      {
        name: '0002_add_status_to_orders.down.sql',
        sql: 'ALTER TABLE orders DROP COLUMN IF EXISTS status;',
        files: [
          {
            name: '0002_add_status_to_orders.up.sql',
            sql: "ALTER TABLE orders ADD COLUMN IF NOT EXISTS status varchar(255) DEFAULT 'new';",
          },
        ],
      },
      {
        name: '0003_fix_emails.down.sql',
        sql: '-- sqlmig-disable require-down -- lower-casing emails cannot be undone\n',
        files: [{ name: '0003_fix_emails.up.sql', sql: 'UPDATE users SET email = lower(email) WHERE email <> lower(email);' }],
      },
    ],
  },
  check(context) {
    return {
      migration({ up, down }) {
        if (up && !down) {
          const downName = up.fileName.replace(/\.up\.sql$/, '.down.sql');
          context.report({
            file: up,
            message: `${up.fileName} has no down file`,
            hint: `add ${downName} that reverts it: drop what it creates (children before parents), undo what it alters`,
          });
        } else if (up && down && down.statements.length === 0 && down.parseErrors.length === 0) {
          // A down file without an up file is migration-filename's.
          context.report({
            file: down,
            message: `${down.fileName} has no statements, so it reverts nothing`,
            hint: `write the SQL that undoes ${up.fileName}; if it cannot be undone, say why with \`-- sqlmig-disable require-down -- <reason>\``,
          });
        }
      },
    };
  },
};

export default rule;

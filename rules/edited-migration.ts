import { basename } from 'node:path';
import type { Rule, SumHistory } from '../src/lint/rule.js';
import { SUM_FILE_NAME } from '../src/migrations/sum.js';
import type { Span } from '../src/parse/types.js';

const USERS_UP = '0001_create_users.up.sql';
const USERS_DOWN = '0001_create_users.down.sql';
const USERS_UP_SQL = 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);';
const USERS_DOWN_SQL = 'DROP TABLE IF EXISTS users;';
const RECORDED_SQL = `-- as sqlmig.sum recorded it\n${USERS_UP_SQL}`;
const HASH_HINT = 'run `sqlmig hash` and commit sqlmig.sum with the migrations (`sqlmig new` keeps it up to date)';

const REVERT = 'databases that applied it will not run it again: revert the edit and put the change in a new migration';

/** What an edit to `fileName` means where it stands, and what to do about it. */
function editHint(history: SumHistory | undefined): string {
  switch (history?.kind) {
    case 'git':
      return `it is committed (git's HEAD has it), so it may be applied somewhere: ${REVERT}; run \`sqlmig hash\` only if it is applied nowhere`;
    case 'staged':
      return `in the staged files: if the edit was deliberate and the migration is applied nowhere, run \`sqlmig hash\` and \`git add\` ${SUM_FILE_NAME}; otherwise ${REVERT}`;
    default:
      return `not in a git repository, so sqlmig cannot tell a draft from a committed migration: if it is applied nowhere yet, run \`sqlmig hash\`; otherwise ${REVERT}`;
  }
}

/** Line `line` of sqlmig.sum, which lint does not hold the text of. */
function sumLine(line: number): Span {
  return { start: 0, end: 0, line, column: 1, endLine: line, endColumn: 1 };
}

const rule: Rule = {
  id: 'edited-migration',
  defaultSeverity: 'error',
  description: 'a migration whose content no longer matches sqlmig.sum, or a stale or malformed sqlmig.sum',
  rationale:
    'SOP "never edit an applied migration": databases that already ran a migration never run it again, so ' +
    'an edit reaches new databases only and environments drift apart. sqlmig.sum records the sha256 of ' +
    'every migration file when it is added (`sqlmig new`, `sqlmig hash`); lint fails when a file no longer ' +
    'matches it, when a file is missing from it or it lists a file that is gone (the sum is stale), and ' +
    'when it is malformed (for example git conflict markers: two branches added migrations). If an edit ' +
    'was deliberate and the migration is not applied anywhere yet, `sqlmig hash` records it. In a git ' +
    'repository a migration that is not committed (not in HEAD) is a draft: its edits and its absence ' +
    'from the sum are warnings that ask for `sqlmig hash`. A project ' +
    'without sqlmig.sum gets one warning that suggests creating it.',
  examples: {
    bad: [
      {
        name: USERS_UP,
        sql: '-- edited after sqlmig.sum recorded it: the email column is new\nCREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email varchar(255));',
        files: [{ name: USERS_DOWN, sql: USERS_DOWN_SQL }],
        sum: [
          { name: USERS_UP, sql: USERS_UP_SQL },
          { name: USERS_DOWN, sql: USERS_DOWN_SQL },
        ],
        expect: [{ line: 1, column: 1, message: 'changed after sqlmig.sum recorded it' }],
      },
      {
        name: '0002_create_orders.up.sql',
        sql: '-- written by hand, sqlmig.sum not updated\nCREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY);',
        files: [{ name: USERS_UP, sql: USERS_UP_SQL }],
        sum: [{ name: USERS_UP, sql: USERS_UP_SQL }],
        expect: [{ line: 1, column: 1, message: 'not in sqlmig.sum' }],
      },
      {
        name: USERS_UP,
        sql: '-- sqlmig.sum was merged with git conflict markers in it\n' + USERS_UP_SQL,
        sum: '<<<<<<< HEAD\ntotal 0000\n=======\ntotal 1111\n>>>>>>> feature\n',
        expect: [{ file: SUM_FILE_NAME, line: 1, column: 1, message: 'merge conflict' }],
      },
      {
        name: USERS_UP,
        sql: '-- no sqlmig.sum in the folder: one warning\n' + USERS_UP_SQL,
        expect: [{ line: 1, column: 1, message: `no ${SUM_FILE_NAME}` }],
      },
    ],
    good: [
      {
        name: USERS_UP,
        sql: RECORDED_SQL,
        files: [{ name: USERS_DOWN, sql: USERS_DOWN_SQL }],
        sum: [
          { name: USERS_UP, sql: RECORDED_SQL },
          { name: USERS_DOWN, sql: USERS_DOWN_SQL },
        ],
      },
    ],
  },
  check(context) {
    return {
      sequenceEnd() {
        const { sum } = context;
        if (!sum) return;
        if (!sum.found) {
          const first = context.files[0];
          if (first) {
            context.report({
              file: first,
              maxSeverity: 'warn',
              message: `there is no ${SUM_FILE_NAME}, so edits to committed migrations go unnoticed`,
              hint: `run \`sqlmig hash\` to create ${SUM_FILE_NAME}, and commit it with the migrations`,
            });
          }
          return;
        }
        if (sum.problems.length > 0) {
          for (const problem of sum.problems) {
            context.report({ path: sum.path, span: sumLine(problem.line), message: `${SUM_FILE_NAME}: ${problem.message}`, hint: problem.hint });
          }
          return;
        }
        const byName = new Map(context.files.map((file) => [file.fileName, file]));
        const { edited, added, removed, totalMismatch } = sum.comparison;
        const { history } = sum;
        // A draft (not in git's HEAD) reached no other database through git: its edits are fine once recorded.
        const drafts = new Set(history?.kind === 'git' ? history.drafts : []);
        for (const fileName of edited) {
          if (drafts.has(fileName)) {
            context.report({
              file: byName.get(fileName)!,
              maxSeverity: 'warn',
              message: `${fileName} is a draft (not committed in git) edited after ${SUM_FILE_NAME} recorded it`,
              hint: `run \`sqlmig hash\` to record the edit, and commit ${SUM_FILE_NAME} with the migration`,
            });
            continue;
          }
          context.report({
            file: byName.get(fileName)!,
            message: `${fileName} changed after ${SUM_FILE_NAME} recorded it`,
            hint: editHint(history),
          });
        }
        for (const fileName of added) {
          const draft = drafts.has(fileName);
          context.report({
            file: byName.get(fileName)!,
            ...(draft ? { maxSeverity: 'warn' as const } : {}),
            message: draft ? `${fileName} is a draft (not committed in git) that ${SUM_FILE_NAME} does not list yet` : `${fileName} is not in ${SUM_FILE_NAME} (the sum is stale)`,
            hint: history?.kind === 'staged' ? `run \`sqlmig hash\` and \`git add\` ${SUM_FILE_NAME}` : HASH_HINT,
          });
        }
        // Files of duplicate versions are listed by the sum but not in the sequence; migration-filename reports them.
        const problemFiles = new Set(context.fileProblems.map((problem) => basename(problem.path)));
        const recorded = [...sum.entries.keys()];
        const gone = removed.filter((fileName) => !problemFiles.has(fileName));
        for (const fileName of gone) {
          context.report({
            path: sum.path,
            // Without problems, line 1 is the total and each entry has a line of its own, in order.
            span: sumLine(recorded.indexOf(fileName) + 2),
            message: `${SUM_FILE_NAME} lists ${fileName}, which is not in the folder`,
            hint:
              'restore the file if its migration is applied anywhere (databases keep what it did); if it never was, run `sqlmig hash`',
          });
        }
        if (totalMismatch && edited.length + added.length + removed.length === 0) {
          context.report({
            path: sum.path,
            span: sumLine(1),
            message: `the total line of ${SUM_FILE_NAME} does not match its entries (edited by hand?)`,
            hint: HASH_HINT,
          });
        }
      },
    };
  },
};

export default rule;

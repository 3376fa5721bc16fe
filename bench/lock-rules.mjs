#!/usr/bin/env node
/**
 * sqlmig's lock and type rules beside squawk's counterparts, on the up files
 * of every project in the corpus (issue 15, "Must show"). Writes a markdown
 * table per rule and per project to stdout (bench/LOCKS.md keeps the last run).
 *
 *   npm run build && node bench/lock-rules.mjs [corpus-dir] > bench/LOCKS.md
 *
 * sqlmig lints each project as a whole (it needs the sequence to know which
 * tables existed before each migration) with the style rules switched on, and
 * only up-file findings are counted; squawk gets the same up files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const corpus = resolve(process.argv[2] ?? join(root, '../shared/corpus'));
const sqlmig = join(root, 'dist/cli/sqlmig.cjs');
const squawk = join(root, 'node_modules/.bin/squawk');

/** sqlmig rule → squawk rules that flag the same hazard. */
const COUNTERPARTS = {
  'require-concurrent-index': ['require-concurrent-index-creation', 'require-concurrent-index-deletion'],
  'constraint-not-valid': ['constraint-missing-not-valid', 'adding-foreign-key-constraint'],
  'set-not-null-scan': ['adding-not-nullable-field'],
  'table-rewrite': ['changing-column-type', 'adding-field-with-default', 'adding-required-field'],
  'unique-needs-index': ['disallowed-unique-constraint', 'adding-serial-primary-key-field'],
  'enum-value-in-transaction': [],
  'prefer-bigint': ['prefer-bigint-over-int', 'prefer-bigint-over-smallint'],
  'prefer-identity': ['prefer-identity'],
  'prefer-timestamptz': ['prefer-timestamp-tz'],
  'ban-char': ['ban-char-field'],
};
const STYLE = ['prefer-bigint', 'prefer-identity', 'prefer-timestamptz', 'ban-char'];

function run(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // Both tools exit non-zero when they find something.
    if (error.stdout) return error.stdout;
    throw error;
  }
}

function sqlmigCounts(dir) {
  const project = mkdtempSync(join(tmpdir(), 'sqlmig-locks-bench-'));
  try {
    const rules = Object.fromEntries(STYLE.map((id) => [id, 'warn']));
    writeFileSync(join(project, '.migraterc.json'), JSON.stringify({ dir, lint: { rules } }));
    const result = JSON.parse(run('node', [sqlmig, 'lint', '--format', 'json', '--config', join(project, '.migraterc.json')]));
    const counts = {};
    for (const d of result.diagnostics) {
      if (!d.file.endsWith('.up.sql') || !(d.rule in COUNTERPARTS)) continue;
      counts[d.rule] = (counts[d.rule] ?? 0) + 1;
    }
    return counts;
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

function squawkCounts(dir) {
  const files = readdirSync(dir).filter((name) => name.endsWith('.up.sql')).map((name) => join(dir, name));
  const counts = {};
  for (let start = 0; start < files.length; start += 200) {
    const output = run(squawk, ['--reporter', 'json', ...files.slice(start, start + 200)]);
    for (const finding of JSON.parse(output || '[]')) counts[finding.rule_name] = (counts[finding.rule_name] ?? 0) + 1;
  }
  return counts;
}

const projects = readdirSync(corpus, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
const rows = projects.map((name) => ({ name, sqlmig: sqlmigCounts(join(corpus, name)), squawk: squawkCounts(join(corpus, name)) }));

const total = (side, rule) => rows.reduce((sum, row) => sum + (row[side][rule] ?? 0), 0);
const squawkTotal = (rules) => rules.map((rule) => `${rule} ${total('squawk', rule)}`).join(', ') || '—';

const lines = [
  `# Lock rules: sqlmig beside squawk`,
  '',
  `Up files of ${projects.length} projects in \`${corpus}\`; sqlmig with its defaults plus the style rules on; squawk ${run(squawk, ['--version']).trim().replace(/^squawk /, '')} with its defaults.`,
  '',
  '| sqlmig rule | sqlmig | squawk counterparts |',
  '|---|---:|---|',
  ...Object.entries(COUNTERPARTS).map(([rule, counterparts]) => `| \`${rule}\` | ${total('sqlmig', rule)} | ${squawkTotal(counterparts)} |`),
  '',
  '## Per project (sqlmig / squawk counterparts summed)',
  '',
  `| project | ${Object.keys(COUNTERPARTS).join(' | ')} |`,
  `|---|${Object.keys(COUNTERPARTS).map(() => '---:').join('|')}|`,
  ...rows.map(
    (row) =>
      `| ${row.name} | ${Object.entries(COUNTERPARTS)
        .map(([rule, counterparts]) => `${row.sqlmig[rule] ?? 0} / ${counterparts.reduce((sum, c) => sum + (row.squawk[c] ?? 0), 0)}`)
        .join(' | ')} |`,
  ),
  '',
];
process.stdout.write(lines.join('\n'));

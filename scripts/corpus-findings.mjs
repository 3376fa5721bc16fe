#!/usr/bin/env node
// Lints every project of the real-world corpus with the built CLI, every rule on, and prints the
// findings per rule (and per project with --by-project), so a change's effect on real SQL can be
// compared before and after. Usage: node scripts/corpus-findings.mjs [--by-project] [corpus-dir]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const byProject = args.includes('--by-project');
const corpus = args.find((arg) => !arg.startsWith('--')) ?? fileURLToPath(new URL('../../shared/corpus', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli/sqlmig.cjs', import.meta.url));

function run(argv) {
  const result = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status === 2 || result.status === null) {
    throw new Error(`sqlmig ${argv.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

// A config of our own turns every rule on (schema-qualified and separate-schema-and-data are off by default).
const ruleIds = run(['rules', '--format', 'json']).map((rule) => rule.id);
const work = mkdtempSync(join(tmpdir(), 'sqlmig-corpus-'));
const config = join(work, '.migraterc.json');
writeFileSync(config, JSON.stringify({ lint: { rules: Object.fromEntries(ruleIds.map((id) => [id, 'warn'])) } }));

const total = new Map();
const perProject = new Map();
try {
  for (const project of readdirSync(corpus).sort()) {
    const dir = join(corpus, project);
    if (!statSync(dir).isDirectory()) continue;
    const result = run(['--config', config, '--dir', dir, 'lint', '--no-cache', '--format', 'json']);
    const counts = new Map();
    for (const diagnostic of result.diagnostics) {
      counts.set(diagnostic.rule, (counts.get(diagnostic.rule) ?? 0) + 1);
      total.set(diagnostic.rule, (total.get(diagnostic.rule) ?? 0) + 1);
    }
    perProject.set(project, counts);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const sorted = (counts) => [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
for (const [rule, count] of sorted(total)) console.log(`${rule} ${count}`);
if (byProject) {
  for (const [project, counts] of perProject) {
    console.log(`\n${project}`);
    for (const [rule, count] of sorted(counts)) console.log(`  ${rule} ${count}`);
  }
}

#!/usr/bin/env node
// Runs `verify --trace` (the built library, dist/) on every project of the real-world corpus, as far as each
// goes, and prints per project the strong locks (SHARE or stronger, which block writes) that migrations take on
// tables that existed before them, beside the lock rules' findings, and every statement where the trace and the
// lint disagree. Usage: node scripts/corpus-trace.mjs [--url postgres://…] [--json out.json] [corpus-dir] [project…]
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const [value] = args.splice(at, 2).slice(1);
  return value;
};
const url = option('--url');
const jsonOut = option('--json');
const defaultCorpus = fileURLToPath(new URL('../../shared/corpus', import.meta.url));
const corpus = args[0] && statSync(args[0], { throwIfNoEntry: false })?.isDirectory() ? args.shift() : defaultCorpus;
const only = new Set(args);

const { verify, lint, loadConfig } = await import('../dist/src/index.js');
// A config of our own (the defaults), so that no config file above the corpus applies.
const work = mkdtempSync(join(tmpdir(), 'sqlmig-corpus-trace-'));
const configPath = join(work, '.migraterc.json');
writeFileSync(configPath, '{}');
const configFor = (dir) => loadConfig({ cwd: work, configPath, dir, env: {} });
const LOCK_RULES = ['table-rewrite', 'set-not-null-scan', 'constraint-not-valid', 'require-concurrent-index', 'unique-needs-index'];
const MODES = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];
const blocksWrites = (mode) => mode !== null && MODES.indexOf(mode) >= MODES.indexOf('ShareLock');

const report = [];
for (const project of readdirSync(corpus).sort()) {
  const dir = join(corpus, project);
  if (!statSync(dir).isDirectory() || (only.size > 0 && !only.has(project))) continue;
  const started = Date.now();
  const config = await configFor(dir);
  let result;
  try {
    // The trace's own lint run turns the lock rules on, whatever the config says.
    result = await verify({ cwd: dir, env: {}, url, trace: true, config });
  } catch (error) {
    report.push({ project, error: error instanceof Error ? error.message : String(error) });
    console.log(`${project}: verify could not run: ${error instanceof Error ? error.message : error}`);
    continue;
  }
  const traced = result.migrations.filter((m) => m.trace !== null);
  const locks = traced.flatMap((m) => m.trace.locks);
  const tracedFiles = new Set(traced.map((m) => m.upFile));
  const findings = (await lint({ cwd: dir, config })).diagnostics.filter(
    (d) => LOCK_RULES.includes(d.rule) && tracedFiles.has(d.file),
  );
  // A strong lock counts once, at the statement that took it.
  const strong = locks.filter((lock) => lock.kind === 'table' && blocksWrites(lock.mode) && lock.since === lock.line);
  const byStatement = new Map();
  for (const lock of locks) {
    const key = `${lock.file}:${lock.line}`;
    byStatement.set(key, [...(byStatement.get(key) ?? []), lock]);
  }
  const statements = [...byStatement.values()];
  const count = (agreement) => statements.filter((group) => group[0].lint === agreement).length;
  const disagreements = statements
    .filter((group) => group[0].lint !== 'agree')
    .map((group) => ({
      where: `${relative(corpus, group[0].file)}:${group[0].line}`,
      lint: group[0].lint,
      rules: group[0].rules,
      statement: group[0].statement,
      relations: group.map((lock) => `${lock.relation}${lock.kind === 'index' ? ' (index)' : ''} ${lock.mode ?? '-'}${lock.since !== null && lock.since !== lock.line ? ` since ${lock.since}` : ''}${lock.rewritten ? ' rewritten' : ''}${lock.scanned ? ' scanned' : ''}${lock.dropped ? ' dropped' : ''}`),
    }));
  const entry = {
    project,
    migrations: result.migrations.length,
    traced: traced.length,
    transactional: traced.filter((m) => m.trace.transactional).length,
    stopped: result.stopped,
    strongLocks: strong.length,
    rewrites: locks.filter((lock) => lock.rewritten).length,
    lockFindings: findings.length,
    statementsAgree: count('agree'),
    lintMissed: count('lint missed'),
    lintOverWarned: count('lint over-warned'),
    disagreements,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  report.push(entry);
  console.log(
    `${project}: traced ${entry.traced}/${entry.migrations} ups (${entry.transactional} in a transaction) in ${entry.seconds} s; ` +
      `${entry.strongLocks} strong locks on existing tables, ${entry.rewrites} rewrites; lint lock findings ${entry.lockFindings}; ` +
      `statements: ${entry.statementsAgree} agree, ${entry.lintMissed} lint missed, ${entry.lintOverWarned} lint over-warned` +
      (entry.stopped ? `\n  stopped: ${entry.stopped}` : ''),
  );
  for (const d of disagreements) console.log(`  ${d.lint}: ${d.where} [${d.rules.join(', ')}] ${d.statement}\n      ${d.relations.join('; ')}`);
}
rmSync(work, { recursive: true, force: true });
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 2));

// `npm run bench`: sqlmig side by side with its peers (issue 7, DESIGN.md §8).
//
//   npm run bench                      full run, writes bench/RESULTS.md
//   npm run bench -- --quick           fewer repetitions, N = 1,000 only
//   npm run bench -- --only apply-1000,startup
//   npm run bench -- --no-build        measure dist/ as it is (default: npm run build first)
//   npm run bench -- --baseline <dir>  also measure the sqlmig built in another checkout, line by line
//   npm run bench -- --rounds <n>      runs per sub-second and lint line (default 5; 3 with --quick)
//   npm run bench -- --apply-rounds <n> runs per apply and many-databases line (default 3; 1 with --quick)
//
// --baseline <dir> answers "before and after: no line slower" with both measured in one run:
// every sqlmig line gets a twin, "… [baseline <tag>]", that runs <dir>'s dist/ next to it in
// every round (the two swap places every other round), so drift hits both; RESULTS ends with a
// table of their ratios. <tag> is <dir>'s
// short commit, else its folder's name. The bench never builds <dir>; make one with
//   git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci && npm run build)
//
// --quick and --only write bench/RESULTS.partial.md instead, so that a partial run
// never replaces the full results. A full run ends with the size benchmarks (`npm run
// bench:size`); the options above reach this file because `npm run bench` is this file alone. BENCH_DATABASE_URL overrides the server
// (default postgres://postgres@127.0.0.1:5432/postgres); it must be allowed to
// CREATE DATABASE. Benchmarks never run inside `npm test`.
//
// This file is the driver (options, peers, which groups run); bench/run/ holds the
// timing, PostgreSQL, build, group, apply/lint/startup and report modules.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateSet } from './generate.mjs';
import { applyGroup, noopGroup } from './run/apply.mjs';
import { baselineBuild, thisBuild } from './run/builds.mjs';
import { fmtInt } from './run/format.mjs';
import { runGroup } from './run/groups.mjs';
import { lintCorpusGroup, lintSyntheticGroup } from './run/lint.mjs';
import { manyGroup } from './run/many.mjs';
import { repoRoot } from './run/paths.mjs';
import { dropCreatedDatabases, psqlAdmin } from './run/postgres.mjs';
import { machineInfo, renderReport, sqlmigCommit } from './run/report.mjs';
import { startupGroup } from './run/startup.mjs';
import { checkAborted, useWorkDir, wasAborted } from './run/timing.mjs';

const GROUP_IDS = ['apply-1000', 'apply-5000', 'noop', 'many-50x20', 'lint-synthetic', 'lint-corpus', 'startup'];

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    baseline: { type: 'string' },
    rounds: { type: 'string' },
    'apply-rounds': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (options.help) {
  console.log(`usage: npm run bench [-- --quick] [-- --only <group>[,<group>…]] [-- --no-build] [-- --baseline <dir>] [-- --rounds <n>] [-- --apply-rounds <n>]
groups: ${GROUP_IDS.join(', ')}
--rounds <n>      runs per sub-second and lint line (default 5; 3 with --quick); a line within a
                  few percent of its baseline needs more than 5 to tell a change from the noise
                  (the before/after table's 95% interval needs at least 6)
--apply-rounds <n>  runs per apply and many-databases line (default 3; 1 with --quick)
--baseline <dir>  also measure the sqlmig already built in checkout <dir> (its dist/, never built
                  by the bench): each sqlmig line gets a twin "[baseline <tag>]" run next to it in
                  every round (swapping places every other round), and the results end with "this
                  build against baseline" ratios.
                  Make one: git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci && npm run build)`);
  process.exit(0);
}
const onlyGroups = options.only ? options.only.split(',').map((g) => g.trim()).filter(Boolean) : null;
for (const group of onlyGroups ?? []) {
  if (!GROUP_IDS.includes(group)) {
    console.error(`unknown group "${group}"; groups: ${GROUP_IDS.join(', ')}`);
    process.exit(2);
  }
}
let baseline = null;
if (options.baseline !== undefined) {
  try {
    baseline = baselineBuild(options.baseline);
  } catch (error) {
    console.error(`bench: ${error.message}`);
    process.exit(2);
  }
}
/** A --rounds-like option's value: a whole number of at least 1, or undefined when not given. */
function roundsOption(name) {
  const value = options[name];
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!(Number.isInteger(count) && count >= 1)) {
    console.error(`bench: --${name} takes a whole number of at least 1, not "${value}"`);
    process.exit(2);
  }
  return count;
}
const rounds = roundsOption('rounds');
const applyRounds = roundsOption('apply-rounds');
const quick = options.quick;
const partial = quick || onlyGroups !== null;
const wanted = (group) => (onlyGroups ? onlyGroups.includes(group) : !(quick && group === 'apply-5000'));
// Sub-second lines get more repetitions: their noise is relatively larger.
const slowReps = applyRounds ?? (quick ? 1 : 3);
const fastReps = rounds ?? (quick ? 3 : 5);
const lintPairs = quick ? 1000 : 5000;

const settings = { quick, onlyGroups, slowReps, fastReps, lintPairs };

let workDir = null;

function findPeerBinary(wrapperPackage, platformPackage, binary) {
  try {
    const require = createRequire(path.join(repoRoot, 'node_modules', wrapperPackage, 'package.json'));
    return require.resolve(`${platformPackage}/bin/${binary}`);
  } catch {
    return null;
  }
}

function buildSqlmig() {
  if (options['no-build']) return 'dist/ as found (--no-build)';
  console.error('building sqlmig (npm run build)…');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
  if (result.status === 0) return 'dist/ built by this run';
  const first = `${result.stdout}${result.stderr}`.trim().split('\n')[0] ?? '';
  console.error(`warning: build failed, measuring dist/ as found: ${first}`);
  return `build FAILED (${first.slice(0, 100).replaceAll('|', '\\|')}), dist/ as found and possibly stale`;
}

async function main() {
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0];
  if (spawnSync('psql', ['--version']).status !== 0) throw new Error('psql not found on PATH; the floor lines and setup need it');
  psqlAdmin('SELECT 1'); // fail early, before generating anything, if the server is unreachable

  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlmig-bench-'));
  useWorkDir(workDir);


  const build = buildSqlmig();
  // This checkout's build first: groups put each baseline line next to its twin.
  const builds = baseline ? [thisBuild(), baseline] : [thisBuild()];
  const peers = {
    dbmate: findPeerBinary('dbmate', `@dbmate/${process.platform}-${process.arch}`, 'dbmate'),
    squawk: findPeerBinary('squawk-cli', `@squawk-cli/${process.platform}-${process.arch}`, 'squawk'),
  };
  const machine = machineInfo();
  const commit = sqlmigCommit();

  const sets = new Map();
  const setOf = (count) => {
    if (!sets.has(count)) {
      console.error(`generating ${fmtInt(count)} pairs…`);
      sets.set(count, generateSet(path.join(workDir, `set-${count}`), count));
    }
    return sets.get(count);
  };

  const planned = [];
  if (wanted('apply-1000')) planned.push(() => applyGroup('apply-1000', setOf(1000), peers, builds, slowReps));
  if (wanted('apply-5000')) planned.push(() => applyGroup('apply-5000', setOf(5000), peers, builds, slowReps));
  if (wanted('noop')) planned.push(() => noopGroup(setOf(1000), peers, builds, fastReps));
  if (wanted('many-50x20')) planned.push(() => manyGroup(setOf(20), workDir, builds, slowReps));
  if (wanted('lint-synthetic')) planned.push(() => lintSyntheticGroup(setOf(lintPairs), peers, builds, fastReps));
  if (wanted('lint-corpus')) planned.push(() => lintCorpusGroup(workDir, peers, builds, fastReps));
  if (wanted('startup')) planned.push(() => startupGroup(builds, fastReps));

  const groups = [];
  for (const plan of planned) {
    checkAborted();
    const group = plan();
    groups.push(group);
    await runGroup(group);
  }

  const report = renderReport({ groups, settings, machine, peers, commit, build, baseline, startedAt, loadAtStart, loadAtEnd: os.loadavg()[0] });
  const outFile = path.join(repoRoot, 'bench', partial ? 'RESULTS.partial.md' : 'RESULTS.md');
  fs.writeFileSync(outFile, report);
  console.log(report);
  console.error(`wrote ${path.relative(repoRoot, outFile)}`);
}

try {
  await main();
  if (!quick && onlyGroups === null && !wasAborted()) {
    // The size benchmarks (bench/size), which a partial run leaves out.
    const size = spawnSync('npm', ['run', 'bench:size'], { cwd: repoRoot, stdio: 'inherit' });
    if (size.status !== 0) process.exitCode = 1;
  }
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exitCode = wasAborted() ? 130 : 1;
} finally {
  dropCreatedDatabases();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}

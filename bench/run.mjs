// `npm run bench`: sqlmig side by side with its peers (issue 7, DESIGN.md §8).
//
//   npm run bench                      full run, writes bench/RESULTS.md
//   npm run bench -- --quick           fewer repetitions, N = 1,000 only
//   npm run bench -- --only apply-1000,startup
//   npm run bench -- --no-build        measure dist/ as it is (default: npm run build first)
//
// --quick and --only write bench/RESULTS.partial.md instead, so that a partial run
// never replaces the full results. BENCH_DATABASE_URL overrides the server
// (default postgres://postgres@127.0.0.1:5432/postgres); it must be allowed to
// CREATE DATABASE. Benchmarks never run inside `npm test`.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateSet } from './generate.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// What `npx sqlmig` runs: package.json's bin.
const sqlmigBin = path.join(repoRoot, JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).bin.sqlmig);
const corpusRoot = path.resolve(repoRoot, '..', 'shared', 'corpus');
const node = process.execPath;
const parserFloor = path.join(repoRoot, 'bench', 'parser-floor.mjs');
const GROUP_IDS = ['apply-1000', 'apply-5000', 'noop', 'lint-synthetic', 'lint-corpus', 'startup'];
const RUN_TIMEOUT_MS = 10 * 60 * 1000;
const NOT_AVAILABLE = 'not available yet';

// ---------------------------------------------------------------- options

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (options.help) {
  console.log(`usage: npm run bench [-- --quick] [-- --only <group>[,<group>…]] [-- --no-build]
groups: ${GROUP_IDS.join(', ')}`);
  process.exit(0);
}
const onlyGroups = options.only ? options.only.split(',').map((g) => g.trim()).filter(Boolean) : null;
for (const group of onlyGroups ?? []) {
  if (!GROUP_IDS.includes(group)) {
    console.error(`unknown group "${group}"; groups: ${GROUP_IDS.join(', ')}`);
    process.exit(2);
  }
}
const quick = options.quick;
const partial = quick || onlyGroups !== null;
const wanted = (group) => (onlyGroups ? onlyGroups.includes(group) : !(quick && group === 'apply-5000'));
// Sub-second lines get more repetitions: their noise is relatively larger.
const slowReps = quick ? 1 : 3;
const fastReps = quick ? 3 : 5;
const lintPairs = quick ? 1000 : 5000;

// ---------------------------------------------------------------- process plumbing

let abortSignal = null;
let currentChild = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    abortSignal = signal;
    killGroup(currentChild);
  });
}

function checkAborted() {
  if (abortSignal) throw new Error(`interrupted (${abortSignal})`);
}

function killGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // children run in their own group: /usr/bin/time and what it runs
  } catch {
    child.kill('SIGKILL');
  }
}

// GNU time reports the child's peak RSS exactly; polling VmHWM is the fallback.
const gnuTime =
  fs.existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0
    ? '/usr/bin/time'
    : null;

let scratchDir = null; // for GNU time's output files; created in main()
let rssFileCounter = 0;

/**
 * Runs one process and measures it: wall-clock from spawn to exit with
 * process.hrtime.bigint(), and peak RSS. Never rejects for a non-zero exit.
 * The default cwd is the scratch work dir, so the repository's own .migraterc.json never applies.
 */
function execTimed(cmd, args, { cwd = workDir ?? repoRoot, env = process.env, timeoutMs = RUN_TIMEOUT_MS } = {}) {
  checkAborted();
  const rssFile = gnuTime ? path.join(scratchDir, `rss-${++rssFileCounter}`) : null;
  const [file, argv] = gnuTime ? [gnuTime, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const stdout = [];
    const stderr = [];
    let polledHwmKiB = 0;
    let poller = null;
    let timedOut = false;
    let end = null;
    const start = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    currentChild = child;
    if (!gnuTime) poller = setInterval(() => (polledHwmKiB = Math.max(polledHwmKiB, readVmHwmKiB(child.pid))), 5);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('exit', () => (end = process.hrtime.bigint()));
    child.on('error', (error) => {
      clearTimeout(timer);
      if (poller) clearInterval(poller);
      currentChild = null;
      reject(new Error(`cannot run ${cmd}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      end ??= process.hrtime.bigint();
      clearTimeout(timer);
      if (poller) clearInterval(poller);
      currentChild = null;
      if (abortSignal) return reject(new Error(`interrupted (${abortSignal})`));
      let rssKiB = polledHwmKiB || null;
      if (rssFile && fs.existsSync(rssFile)) {
        // GNU time writes "Command exited with non-zero status N" before the number.
        const numbers = fs.readFileSync(rssFile, 'utf8').split('\n').filter((line) => /^\d+$/.test(line.trim()));
        rssKiB = numbers.length ? Number(numbers.at(-1)) : null;
        fs.rmSync(rssFile, { force: true });
      }
      resolve({
        seconds: Number(end - start) / 1e9,
        code,
        signal,
        timedOut,
        rssKiB,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

function readVmHwmKiB(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // already gone
  }
}

/** Short, path-free reason for a failed run, for the table. */
function failureReason(result) {
  if (result.timedOut) return `timed out after ${RUN_TIMEOUT_MS / 1000} s`;
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const errorLine = lines.find((l) => /error|fatal|fail/i.test(l)) ?? lines[0] ?? '';
  const hint = lines.find((l) => /^HINT:/.test(l));
  const line = hint ? `${errorLine} ${hint}` : errorLine;
  const shortened = (workDir ? line.replaceAll(workDir, '…') : line).replaceAll(repoRoot, '.').replaceAll('|', '\\|');
  const exit = result.signal ? `signal ${result.signal}` : `exit ${result.code}`;
  return `${shortened.slice(0, 200)} (${exit})`;
}

// ---------------------------------------------------------------- PostgreSQL administration

const adminUrl = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const createdDatabases = new Set();
let databaseCounter = 0;
let checkpointAllowed = true;

/** URL of database `name`; sslmode=disable because dbmate's driver otherwise insists on TLS. */
function databaseUrl(name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
  return url.href;
}

function psqlAdmin(sql, database = adminUrl.pathname.slice(1) || 'postgres') {
  const result = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl(database), '-c', sql], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw new Error(`psql: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`psql -c ${JSON.stringify(sql)}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** A fresh, empty database for one contender; CHECKPOINTed so no earlier run's dirty pages are flushed on its time. */
function createDatabase(tool) {
  const name = `bench_${tool}_${process.pid}_${++databaseCounter}`;
  psqlAdmin(`CREATE DATABASE ${name}`);
  createdDatabases.add(name);
  if (checkpointAllowed) {
    try {
      psqlAdmin('CHECKPOINT');
    } catch (error) {
      checkpointAllowed = false;
      console.error(`warning: CHECKPOINT refused, runs start without one: ${error.message}`);
    }
  }
  return name;
}

function dropDatabase(name) {
  psqlAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  createdDatabases.delete(name);
}

function countBenchTables(database) {
  return Number(psqlAdmin(`SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname ~ '^t_[0-9]+$'`, database));
}

// ---------------------------------------------------------------- contenders and groups

/**
 * One line of a table. `command(rep)` returns [cmd, args, {cwd}]; the optional hooks
 * run untimed: setup/teardown once per group, before/after around every run,
 * verify(result, rep) after a successful run (throw to fail the line, return a note).
 */
function contender(key, label, spec) {
  return {
    key,
    label,
    reference: false,
    okExitCodes: [0],
    isSqlmig: false,
    unavailable: null,
    ...spec,
    status: 'ok',
    reason: null,
    samples: [],
    rssKiB: [],
    notes: new Set(),
  };
}

/** A line that must not be run at all, e.g. its binary is missing. */
function markUnavailable(c, reason) {
  c.status = 'unavailable';
  c.reason = reason;
}

/**
 * sqlmig commands that exist only as stubs exit 2 saying so, and a command whose
 * modules are not in dist/ yet cannot load: "not available yet", not a failure.
 */
function notAvailableReason(c, result) {
  if (!c.isSqlmig || result.code !== 2) return null;
  if (/not available in this version yet/i.test(result.stderr)) return NOT_AVAILABLE;
  // Module-resolution and link errors only happen while dist/ is half-built (tsc would refuse the source).
  if (/Cannot find module|ERR_MODULE_NOT_FOUND|does not provide an export named/.test(result.stderr)) {
    return `${NOT_AVAILABLE} (dist/ incomplete)`;
  }
  return null;
}

async function runGroup(group) {
  console.error(`\n== ${group.title}`);
  for (const c of group.contenders) if (c.unavailable) markUnavailable(c, c.unavailable);
  try {
    for (const c of group.contenders) {
      if (c.status !== 'ok' || !c.setup) continue;
      try {
        await c.setup();
      } catch (error) {
        checkAborted();
        c.status = error.notAvailable ? 'unavailable' : 'fail';
        c.reason = error.message;
      }
    }
    // Alternate the contenders (A B C D, A B C D, …) so drift hits all of them.
    for (let rep = 0; rep < group.reps; rep++) {
      for (const c of group.contenders) {
        if (c.status !== 'ok') continue;
        checkAborted();
        try {
          await c.before?.(rep);
          const [cmd, args, spawnOptions] = c.command(rep);
          const result = await execTimed(cmd, args, spawnOptions);
          const notAvailable = notAvailableReason(c, result);
          if (notAvailable) {
            markUnavailable(c, notAvailable);
          } else if (!c.okExitCodes.includes(result.code)) {
            c.status = 'fail';
            c.reason = failureReason(result);
          } else {
            const note = await c.verify?.(result, rep);
            if (note) c.notes.add(note);
            c.samples.push(result.seconds);
            if (result.rssKiB !== null) c.rssKiB.push(result.rssKiB);
            console.error(`  ${rep + 1}/${group.reps}  ${c.label}: ${result.seconds.toFixed(3)} s, ${formatMiB(result.rssKiB)} MiB`);
          }
        } catch (error) {
          checkAborted();
          c.status = error.notAvailable ? 'unavailable' : 'fail';
          c.reason = error.message;
        } finally {
          await c.after?.(rep);
        }
        if (c.status !== 'ok') console.error(`  ${c.label}: ${c.status === 'fail' ? 'FAIL: ' : ''}${c.reason}`);
      }
    }
  } finally {
    for (const c of group.contenders) await c.teardown?.();
  }
}

/** The untimed run that setup steps need (applying before a no-op, priming a cache). */
async function runUntimed(c, cmd, args, spawnOptions) {
  const result = await execTimed(cmd, args, spawnOptions);
  const notAvailable = notAvailableReason(c, result);
  if (notAvailable) throw Object.assign(new Error(notAvailable), { notAvailable: true });
  if (!c.okExitCodes.includes(result.code)) throw new Error(`setup run failed: ${failureReason(result)}`);
  return result;
}

/** One contender that applies migrations on its own fresh database per run. */
function applyContender(key, label, tool, expectedTables, commandFor, extra = {}) {
  let database = null;
  return contender(key, label, {
    before() {
      database = createDatabase(tool);
    },
    command: () => commandFor(databaseUrl(database)),
    verify() {
      const tables = countBenchTables(database);
      if (tables !== expectedTables) throw new Error(`exit 0, but only ${tables} of ${expectedTables} tables exist`);
    },
    after() {
      if (database) dropDatabase(database);
      database = null;
    },
    ...extra,
  });
}

function applyGroup(id, set, peers) {
  const n = set.count;
  const sqlmigUp = (url) => [node, [sqlmigBin, 'up', '--url', url, '--dir', set.sqlmigDir, '--no-lint']];
  return {
    id,
    title: `Apply ${fmtInt(n)} migrations, each contender on a fresh database`,
    ratioTo: 'floor',
    reps: slowReps,
    contenders: [
      applyContender('sqlmig', 'sqlmig up', 'sqlmig', n, sqlmigUp, { isSqlmig: true, unavailable: peers.sqlmigMissing }),
      applyContender(
        'floor',
        'psql, BEGIN/COMMIT per file (floor)',
        'floor',
        n,
        (url) => ['psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', set.floorFile]],
        { reference: true },
      ),
      applyContender('psql1', 'psql -1 (one transaction)', 'psql1', n, (url) => [
        'psql',
        ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-d', url, '-f', set.singleFile],
      ]),
      applyContender(
        'dbmate',
        'dbmate up',
        'dbmate',
        n,
        (url) => [peers.dbmate, ['--no-dump-schema', '--migrations-dir', set.dbmateDir, '--url', url, 'up']],
        { unavailable: peers.dbmate ? null : 'dbmate binary not found (npm install)' },
      ),
    ],
  };
}

/** `up` with everything applied: applied once in setup, every timed run is a no-op. */
function noopContender(key, label, tool, commandFor, extra) {
  let database = null;
  const c = contender(key, label, {
    async setup() {
      database = createDatabase(tool);
      await runUntimed(c, ...commandFor(databaseUrl(database)));
    },
    command: () => commandFor(databaseUrl(database)),
    teardown() {
      if (database) dropDatabase(database);
      database = null;
    },
    ...extra,
  });
  return c;
}

function noopGroup(set, peers) {
  return {
    id: 'noop',
    title: `No-op up with ${fmtInt(set.count)} migrations applied`,
    ratioTo: 'node -e 0',
    reps: fastReps,
    contenders: [
      noopContender(
        'sqlmig',
        'sqlmig up (nothing pending)',
        'sqlmig',
        (url) => [node, [sqlmigBin, 'up', '--url', url, '--dir', set.sqlmigDir, '--no-lint']],
        { isSqlmig: true, unavailable: peers.sqlmigMissing },
      ),
      // What a first run on a new machine or container pays: V8 compiles the CLI from source.
      noopContender(
        'sqlmig-compiling',
        'sqlmig up (nothing pending), SQLMIG_NO_COMPILE_CACHE=1',
        'sqlmig',
        (url) => [
          node,
          [sqlmigBin, 'up', '--url', url, '--dir', set.sqlmigDir, '--no-lint'],
          { env: { ...process.env, SQLMIG_NO_COMPILE_CACHE: '1' } },
        ],
        { isSqlmig: true, unavailable: peers.sqlmigMissing },
      ),
      noopContender(
        'dbmate',
        'dbmate up (nothing pending)',
        'dbmate',
        (url) => [peers.dbmate, ['--no-dump-schema', '--migrations-dir', set.dbmateDir, '--url', url, 'up']],
        { unavailable: peers.dbmate ? null : 'dbmate binary not found (npm install)' },
      ),
      nodeBaseline(),
    ],
  };
}

function nodeBaseline() {
  return contender('node', 'node -e 0', { reference: true, command: () => [node, ['-e', '0']] });
}

/**
 * Lint lines over `files` (paths relative to `cwd`, all inside `dir`).
 * Cold runs delete .sqlmig first; warm runs reuse the cache the previous run left.
 */
function lintGroup(id, title, { cwd, dir, files }, peers) {
  const sqlmigLint = (extraArgs = []) => [node, [sqlmigBin, 'lint', '--dir', dir, '--format', 'json', ...extraArgs], { cwd }];
  const clearCache = () => {
    for (const cacheRoot of [path.join(cwd, '.sqlmig'), path.join(cwd, dir, '.sqlmig')]) {
      fs.rmSync(cacheRoot, { recursive: true, force: true });
    }
  };
  const verifySqlmig = (result) => {
    let report;
    try {
      report = JSON.parse(result.stdout);
    } catch {
      throw new Error(`output is not JSON: ${failureReason(result)}`);
    }
    if (report.fileCount !== files.length) return `fileCount ${report.fileCount}, expected ${files.length}`;
    return null;
  };
  // `lint` exits 1 when it finds errors: that is a completed lint.
  const sqlmigLine = (key, label, extra) =>
    contender(key, label, { isSqlmig: true, okExitCodes: [0, 1], unavailable: peers.sqlmigMissing, verify: verifySqlmig, ...extra });
  const warm = sqlmigLine('warm', 'sqlmig lint, warm (cache from the previous run)', {
    command: () => sqlmigLint(),
    async before(rep) {
      if (rep === 0) await runUntimed(warm, ...sqlmigLint());
    },
  });
  return {
    id,
    title,
    ratioTo: 'squawk',
    reps: fastReps,
    contenders: [
      sqlmigLine('cold', 'sqlmig lint, cold (no .sqlmig cache)', { before: clearCache, command: () => sqlmigLint() }),
      sqlmigLine('nocache', 'sqlmig lint --no-cache', {
        command: () => sqlmigLint(['--no-cache']),
        unavailable: peers.sqlmigMissing ?? (peers.lintNoCache ? null : 'no --no-cache option'),
      }),
      warm,
      contender('floor', 'floor: libpg-query alone (Node reads and parses each file)', {
        unavailable: peers.sqlmigMissing,
        command: () => [node, ['--liftoff-only', parserFloor, ...files], { cwd }],
        verify(result, rep) {
          if (!/^[1-9][\d,]* statements/.test(result.stdout)) throw new Error(`unexpected output: ${result.stdout.trim().slice(0, 80)}`);
          return rep === 0 ? `parsed ${result.stdout.trim()}` : null;
        },
      }),
      contender('squawk', 'squawk', {
        reference: true,
        okExitCodes: [0, 1], // squawk exits non-zero when it finds problems
        unavailable: peers.squawk ? null : 'squawk binary not found (npm install)',
        command: () => [peers.squawk, ['--reporter', 'json', ...files], { cwd }],
        verify(result, rep) {
          if (rep !== 0) return null;
          let findings;
          try {
            findings = result.stdout.trim() ? JSON.parse(result.stdout) : [];
          } catch {
            throw new Error(`output is not JSON: ${failureReason(result)}`);
          }
          const reported = new Set(findings.map((f) => f.file));
          return `reported ${fmtInt(findings.length)} findings in ${fmtInt(reported.size)} of ${fmtInt(files.length)} files`;
        },
      }),
    ],
  };
}

function startupGroup(peers) {
  return {
    id: 'startup',
    title: 'Startup: sqlmig --version',
    ratioTo: 'node -e 0',
    reps: fastReps,
    contenders: [
      contender('sqlmig', 'sqlmig --version', {
        isSqlmig: true,
        unavailable: peers.sqlmigMissing,
        command: () => [node, [sqlmigBin, '--version']],
        verify(result) {
          if (!/\d+\.\d+\.\d+/.test(result.stdout)) throw new Error(`unexpected output: ${result.stdout.trim().slice(0, 80)}`);
        },
      }),
      nodeBaseline(),
    ],
  };
}

// ---------------------------------------------------------------- targets (issue 7)

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function line(groups, groupId, key) {
  const c = groups.find((g) => g.id === groupId)?.contenders.find((x) => x.key === key);
  return c && c.status === 'ok' && c.samples.length ? c : null;
}

function ratioTarget(text, groups, groupId, key, refKey, limit) {
  const a = line(groups, groupId, key);
  const b = line(groups, groupId, refKey);
  if (!a || !b) return { text, measured: '—', met: null };
  const ratio = median(a.samples) / median(b.samples);
  return { text, measured: `${ratio.toFixed(2)}×`, met: ratio <= limit };
}

function targets(groups) {
  const rows = [];
  const apply1000 = 'apply-1000';
  rows.push(ratioTarget('`up` at 1,000 ≤ 1.05× the per-file-transaction floor', groups, apply1000, 'sqlmig', 'floor', 1.05));
  {
    const text = '`up` at 1,000 ahead of every peer (psql -1, dbmate)';
    const sqlmig = line(groups, apply1000, 'sqlmig');
    const peers = ['psql1', 'dbmate'].map((key) => line(groups, apply1000, key)).filter(Boolean);
    if (!sqlmig || !peers.length) rows.push({ text, measured: '—', met: null });
    else {
      const fastest = peers.reduce((best, p) => (median(p.samples) < median(best.samples) ? p : best));
      const ratio = median(sqlmig.samples) / median(fastest.samples);
      rows.push({ text, measured: `${ratio.toFixed(2)}× ${fastest.label}`, met: ratio < 1 });
    }
  }
  rows.push(ratioTarget('`up` completes at 5,000 within 1.15× of dbmate', groups, 'apply-5000', 'sqlmig', 'dbmate', 1.15));
  {
    const text = 'client memory ≤ 100 MiB at 5,000 (`up`)';
    const sqlmig = line(groups, 'apply-5000', 'sqlmig');
    if (!sqlmig || !sqlmig.rssKiB.length) rows.push({ text, measured: '—', met: null });
    else {
      const peakMiB = Math.max(...sqlmig.rssKiB) / 1024;
      rows.push({ text, measured: `${peakMiB.toFixed(0)} MiB`, met: peakMiB <= 100 });
    }
  }
  rows.push(ratioTarget('no-op `up` ≤ 2× `node -e 0`', groups, 'noop', 'sqlmig', 'node', 2));
  for (const [groupId, what] of [
    ['lint-synthetic', `${fmtInt(lintPairs)} pairs`],
    ['lint-corpus', 'corpus'],
  ]) {
    rows.push(ratioTarget(`\`lint\` cold ≤ 1× squawk (${what})`, groups, groupId, 'cold', 'squawk', 1));
    rows.push(ratioTarget(`\`lint --no-cache\` ≤ 1× squawk (${what})`, groups, groupId, 'nocache', 'squawk', 1));
    rows.push(ratioTarget(`\`lint\` warm ≤ 0.5× squawk (${what})`, groups, groupId, 'warm', 'squawk', 0.5));
  }
  rows.push(ratioTarget('`--version` ≤ 1.5× `node -e 0`', groups, 'startup', 'sqlmig', 'node', 1.5));
  return rows;
}

// ---------------------------------------------------------------- report

function fmtInt(n) {
  return n.toLocaleString('en-US');
}

function formatMiB(kib) {
  if (kib === null || kib === undefined) return '—';
  const mib = kib / 1024;
  return mib >= 100 ? mib.toFixed(0) : mib.toFixed(1);
}

function groupTable(group) {
  const reference = group.contenders.find((c) => c.reference);
  const refMedian = reference?.status === 'ok' && reference.samples.length ? median(reference.samples) : null;
  const out = [
    `### ${group.title}`,
    '',
    `| | median s | min–max s | peak RSS MiB | × ${group.ratioTo} | runs |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const c of group.contenders) {
    if (c.status === 'unavailable') {
      out.push(`| ${c.label} | ${c.reason.startsWith(NOT_AVAILABLE) ? c.reason : `not available: ${c.reason}`} | | | | 0 |`);
      continue;
    }
    if (c.status === 'fail' && !c.samples.length) {
      out.push(`| ${c.label} | FAIL: ${c.reason} | | | | 0 |`);
      continue;
    }
    const med = median(c.samples);
    const range = `${Math.min(...c.samples).toFixed(3)}–${Math.max(...c.samples).toFixed(3)}`;
    const rss = c.rssKiB.length ? formatMiB(Math.max(...c.rssKiB)) : '—';
    const ratio = refMedian ? `${(med / refMedian).toFixed(2)}×` : '—';
    const failed = c.status === 'fail' ? ` (then FAIL: ${c.reason})` : '';
    out.push(`| ${c.label} | ${med.toFixed(3)}${failed} | ${range} | ${rss} | ${ratio} | ${c.samples.length} |`);
  }
  const notes = group.contenders.flatMap((c) => [...c.notes].map((n) => `${c.label}: ${n}`));
  if (group.note) notes.unshift(group.note);
  if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
  return out.join('\n');
}

function targetsTable(rows) {
  const mark = (met) => (met === null ? 'n/a' : met ? '✓' : '✗');
  return [
    '### Targets (issue 7)',
    '',
    '| target | measured | met |',
    '|---|---:|:---:|',
    ...rows.map((r) => `| ${r.text} | ${r.measured} | ${mark(r.met)} |`),
  ].join('\n');
}

function machineInfo() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const tool = (cmd, args) => {
    if (!cmd) return 'not found';
    const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: repoRoot });
    return r.status === 0 ? r.stdout.trim().split('\n')[0] : 'unknown';
  };
  return {
    cpuModel,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    postgres: psqlAdmin('SHOW server_version'),
    fsync: psqlAdmin('SHOW fsync'),
    synchronousCommit: psqlAdmin('SHOW synchronous_commit'),
    psql: tool('psql', ['--version']),
    tool,
  };
}

function sqlmigCommit() {
  const git = (...args) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'rules', 'scripts', 'package.json', 'tsconfig.json');
  return dirty ? `${commit} + uncommitted changes in src/` : commit;
}

function renderReport({ groups, machine, peers, commit, build, startedAt, loadAtStart, loadAtEnd }) {
  const mode = quick
    ? `--quick (${slowReps} run per apply line, ${fastReps} per sub-second line, N = 1,000 only)`
    : `full (${slowReps} runs per apply line, ${fastReps} per sub-second line)`;
  const header = [
    '# sqlmig benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run.mjs) on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC; mode: ${mode}${onlyGroups ? `; only ${onlyGroups.join(', ')}` : ''}.`,
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${machine.cpuModel}, ${machine.cores} cores |`,
    `| memory | ${machine.memoryGiB} GiB |`,
    // Other work on the machine shows up as noise; the load says how much there was.
    `| load average (1 min) | ${loadAtStart.toFixed(2)} at start, ${loadAtEnd.toFixed(2)} at end |`,
    `| Node | ${machine.node} |`,
    `| PostgreSQL | ${machine.postgres} at ${adminUrl.host}, fsync=${machine.fsync}, synchronous_commit=${machine.synchronousCommit} |`,
    `| sqlmig | commit ${commit}; ${build} |`,
    `| peers | ${machine.psql}; ${machine.tool(peers.dbmate, ['--version'])}; ${machine.tool(peers.squawk, ['--version'])} |`,
    '',
    'Method: wall-clock of the whole process, spawn to exit (process.hrtime.bigint), so process',
    'start is included for every contender; peak RSS is the measured process’s maximum resident',
    `set (${gnuTime ? 'GNU time %M' : 'VmHWM polled every 5 ms'}), the largest over its runs. Contenders alternate within each`,
    'round (A B C D, A B C D, …); medians over the rounds; ratios are median / median of the',
    'reference line. Each apply run gets a new empty database, CHECKPOINTed before the clock',
    'starts; `sqlmig up` runs with `--no-lint`. Synthetic migrations: bench/generate.mjs. A line',
    'that fails is not repeated. The lint tables\' floor line (bench/parser-floor.mjs) only starts',
    'Node, loads libpg-query and reads and parses every file as sqlmig does: what any linter built',
    'on this parser in Node pays before it looks at a statement.',
  ].join('\n');
  return [header, ...groups.map(groupTable), targetsTable(targets(groups))].join('\n\n') + '\n';
}

// ---------------------------------------------------------------- main

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

function largestCorpusProject() {
  if (!fs.existsSync(corpusRoot)) return null;
  let best = null;
  for (const entry of fs.readdirSync(corpusRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const files = fs.readdirSync(path.join(corpusRoot, entry.name)).filter((f) => f.endsWith('.sql'));
    if (!best || files.length > best.files.length) best = { name: entry.name, files };
  }
  return best;
}

async function main() {
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0];
  if (spawnSync('psql', ['--version']).status !== 0) throw new Error('psql not found on PATH; the floor lines and setup need it');
  psqlAdmin('SELECT 1'); // fail early, before generating anything, if the server is unreachable

  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlmig-bench-'));
  scratchDir = path.join(workDir, 'scratch');
  fs.mkdirSync(scratchDir);

  const build = buildSqlmig();
  const peers = {
    sqlmigMissing: fs.existsSync(sqlmigBin) ? null : `${NOT_AVAILABLE} (no ${path.relative(repoRoot, sqlmigBin)})`,
    dbmate: findPeerBinary('dbmate', `@dbmate/${process.platform}-${process.arch}`, 'dbmate'),
    squawk: findPeerBinary('squawk-cli', `@squawk-cli/${process.platform}-${process.arch}`, 'squawk'),
    lintNoCache: false,
  };
  if (!peers.sqlmigMissing) {
    const help = spawnSync(node, [sqlmigBin, 'lint', '--help'], { encoding: 'utf8' });
    peers.lintNoCache = help.status === 0 && help.stdout.includes('--no-cache');
  }
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

  const groups = [];
  const planned = [];
  if (wanted('apply-1000')) planned.push(() => applyGroup('apply-1000', setOf(1000), peers));
  if (wanted('apply-5000')) planned.push(() => applyGroup('apply-5000', setOf(5000), peers));
  if (wanted('noop')) planned.push(() => noopGroup(setOf(1000), peers));
  if (wanted('lint-synthetic')) {
    planned.push(() => {
      const set = setOf(lintPairs);
      const files = set.sqlmigFiles.map((f) => path.relative(path.dirname(set.sqlmigDir), f));
      return lintGroup(
        'lint-synthetic',
        `Lint ${fmtInt(lintPairs)} synthetic pairs (${fmtInt(files.length)} files)`,
        { cwd: path.dirname(set.sqlmigDir), dir: path.basename(set.sqlmigDir), files },
        peers,
      );
    });
  }
  if (wanted('lint-corpus')) {
    planned.push(() => {
      const project = largestCorpusProject();
      if (!project) {
        return { id: 'lint-corpus', title: 'Lint the largest corpus project', ratioTo: 'squawk', reps: 0, contenders: [], note: `no corpus at ${corpusRoot}` };
      }
      // A copy, so that nothing (a cache, say) is ever written into the shared corpus.
      const cwd = path.join(workDir, 'corpus');
      fs.cpSync(path.join(corpusRoot, project.name), path.join(cwd, project.name), { recursive: true });
      const files = project.files.map((f) => path.join(project.name, f));
      return lintGroup(
        'lint-corpus',
        `Lint the largest corpus project, ${project.name} (${fmtInt(files.length)} files)`,
        { cwd, dir: project.name, files },
        peers,
      );
    });
  }
  if (wanted('startup')) planned.push(() => startupGroup(peers));

  for (const plan of planned) {
    checkAborted();
    const group = plan();
    groups.push(group);
    await runGroup(group);
  }

  const report = renderReport({ groups, machine, peers, commit, build, startedAt, loadAtStart, loadAtEnd: os.loadavg()[0] });
  const outFile = path.join(repoRoot, 'bench', partial ? 'RESULTS.partial.md' : 'RESULTS.md');
  fs.writeFileSync(outFile, report);
  console.log(report);
  console.error(`wrote ${path.relative(repoRoot, outFile)}`);
}

function cleanUp() {
  for (const name of [...createdDatabases]) {
    try {
      dropDatabase(name);
    } catch (error) {
      console.error(`warning: could not drop database ${name}: ${error.message}`);
    }
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}

try {
  await main();
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exitCode = abortSignal ? 130 : 1;
} finally {
  cleanUp();
}

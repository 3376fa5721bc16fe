// bench/RESULTS.md: the machine, one table per group, and the issue 7 targets.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { beforeAfterSection } from './before-after.mjs';
import { gitOutput } from './builds.mjs';
import { fmtInt, formatPeakMiB, median } from './format.mjs';
import { completed, NOT_AVAILABLE } from './groups.mjs';
import { repoRoot } from './paths.mjs';
import { adminUrl, psqlAdmin } from './postgres.mjs';
import { gnuTime } from './timing.mjs';

function line(groups, groupId, key) {
  const c = groups.find((g) => g.id === groupId)?.contenders.find((x) => x.key === key);
  return c && completed(c) ? c : null;
}

function ratioTarget(text, groups, groupId, key, refKey, limit) {
  const a = line(groups, groupId, key);
  const b = line(groups, groupId, refKey);
  if (!a || !b) return { text, measured: '—', met: null };
  const ratio = median(a.samples) / median(b.samples);
  return { text, measured: `${ratio.toFixed(2)}×`, met: ratio <= limit };
}

function targets(groups, lintPairs) {
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
    // Issue 20: incremental lint.
    rows.push(ratioTarget(`issue 20: newest migration edited ≤ 1.0× squawk on the folder (${what})`, groups, groupId, 'newest', 'squawk', 1));
    rows.push(ratioTarget(`issue 20 stretch: newest migration edited ≤ 2× squawk on that file (${what})`, groups, groupId, 'newest', 'squawk-one', 2));
    rows.push(ratioTarget(`issue 20: a middle migration edited ≤ 1.5× squawk on the folder (${what})`, groups, groupId, 'middle', 'squawk', 1.5));
    rows.push(ratioTarget(`issue 20: nothing changed ≤ 1.0× squawk on the folder (${what})`, groups, groupId, 'warm', 'squawk', 1));
    rows.push(ratioTarget(`issue 20: cold ≤ 1.3× the parser floor (${what})`, groups, groupId, 'cold', 'floor', 1.3));
    rows.push(ratioTarget(`issue 20: \`--no-cache\` ≤ 1.3× the parser floor (${what})`, groups, groupId, 'nocache', 'floor', 1.3));
  }
  rows.push(ratioTarget('`--version` ≤ 1.5× `node -e 0`', groups, 'startup', 'sqlmig', 'node', 1.5));
  return rows;
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
    const rss = formatPeakMiB(c.rssKiB);
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
    '### Targets (issues 7 and 20)',
    '',
    '| target | measured | met |',
    '|---|---:|:---:|',
    ...rows.map((r) => `| ${r.text} | ${r.measured} | ${mark(r.met)} |`),
  ].join('\n');
}

export function machineInfo() {
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

export function sqlmigCommit() {
  const commit = gitOutput(repoRoot, 'rev-parse', '--short', 'HEAD') || 'unknown';
  const dirty = gitOutput(repoRoot, 'status', '--porcelain', '--untracked-files=no', '--', 'src', 'rules', 'scripts', 'package.json', 'tsconfig.json');
  return dirty ? `${commit} + uncommitted changes in src/` : commit;
}

export function renderReport({ groups, settings, machine, peers, commit, build, baseline, startedAt, loadAtStart, loadAtEnd }) {
  const { quick, onlyGroups, slowReps, fastReps, lintPairs } = settings;
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
    ...(baseline ? [`| baseline | ${baseline.tag} at ${baseline.dir}; its dist/ as found (the bench never builds it) |`] : []),
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
    ...(baseline
      ? [
          `Lines marked [baseline ${baseline.tag}] run that build, next to this build's same line in every`,
          'round, the two swapping places every other round (A A′ B B′, then A′ A B′ B: the second of two',
          'runs of one program back to back is a few percent faster), with databases and folders of their',
          'own: the lint ones lint their own copy of the same files, so that the two builds\' caches never mix.',
        ]
      : []),
  ].join('\n');
  const sections = [header, ...groups.map(groupTable), targetsTable(targets(groups, lintPairs))];
  if (baseline) sections.push(beforeAfterSection(groups, baseline));
  return sections.join('\n\n') + '\n';
}

// The last section of bench/RESULTS.md with --baseline: every sqlmig line of this build against its
// twin that ran the baseline build in the same rounds, the evidence for "no line slower".

import { formatPeakMiB, median } from './format.mjs';
import { baselineKey, completed } from './groups.mjs';
import { pairedRatio, verdict } from './paired.mjs';

export function beforeAfterSection(groups, baseline) {
  const rows = [];
  const notCompared = [];
  for (const group of groups) {
    for (const line of group.contenders) {
      const twin = line.isSqlmig && !line.baseline ? group.contenders.find((c) => c.key === baselineKey(line.key)) : null;
      if (!twin) continue;
      // A median over fewer rounds, or none, compares nothing: the group's table says what happened.
      if (!completed(line) || !completed(twin)) {
        notCompared.push(`${group.id}: ${line.label}`);
        continue;
      }
      const wall = pairedRatio(line.samples, twin.samples);
      const cpu = line.cpuSamples.length === line.samples.length ? pairedRatio(line.cpuSamples, twin.cpuSamples) : null;
      rows.push({
        verdict: verdict(wall),
        cells: [
          group.id,
          line.label,
          median(twin.samples).toFixed(3),
          median(line.samples).toFixed(3),
          interval(wall),
          verdict(wall),
          interval(cpu),
          cpu ? verdict(cpu) : '',
          formatPeakMiB(twin.rssKiB),
          formatPeakMiB(line.rssKiB),
        ],
      });
    }
  }
  const count = (word) => rows.filter((row) => row.verdict.startsWith(word)).length;
  const out = [
    `### Before and after: this build against baseline ${baseline.tag}`,
    '',
    `Both builds ran each line in the same rounds, back to back (which one first alternates). A ratio is the median of the rounds' ratios (this build / baseline ${baseline.tag}), with its 95% interval (the sign test's, distribution-free).`,
    'A line is slower when the whole interval is above 1, faster when it is below 1, and the same when it holds 1: the rounds cannot tell the builds apart.',
    'Lines with fewer than 6 rounds (apply: 3) have no such interval: their ratios range in parentheses, and the verdict says what every round showed.',
    'CPU is user + system time of all threads (V8 compiles and collects garbage on other threads), as GNU time measures it (10 ms steps).',
    `Wall time: ${count('slower')} slower, ${count('same')} the same, ${count('mixed')} mixed, ${count('faster')} faster, of ${rows.length} lines compared.`,
  ];
  if (rows.length) {
    out.push(
      '',
      '| group | line | baseline median s | this build median s | wall ratio [95%] | wall | CPU ratio [95%] | CPU | baseline peak RSS MiB | this build peak RSS MiB |',
      '|---|---|---:|---:|---:|---|---:|---|---:|---:|',
      ...rows.map((row) => `| ${row.cells.join(' | ')} |`),
    );
  }
  if (notCompared.length) out.push('', `Not compared, since one build did not complete them (see their tables): ${notCompared.join('; ')}.`);
  return out.join('\n');
}

/** `ratio [low–high]`; the range of the rounds' ratios in parentheses where they are too few for an interval. */
function interval(paired) {
  if (!paired) return '—';
  const range = `${paired.low.toFixed(2)}–${paired.high.toFixed(2)}`;
  return `${paired.ratio.toFixed(2)} ${paired.interval ? `[${range}]` : `(${range})`}`;
}

// The last section of bench/RESULTS.md with --baseline: every sqlmig line of this build against its
// twin that ran the baseline build in the same rounds, the evidence for "no line slower".

import { formatPeakMiB, median } from './format.mjs';
import { baselineKey, completed } from './groups.mjs';

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
      const before = median(twin.samples);
      const after = median(line.samples);
      const slower = after > before;
      const ratio = (after / before).toFixed(2);
      const rss = [formatPeakMiB(twin.rssKiB), formatPeakMiB(line.rssKiB)];
      rows.push({ slower, cells: [group.id, line.label, before.toFixed(3), after.toFixed(3), ratio, ...rss, slower ? 'slower' : ''] });
    }
  }
  const slowerCount = rows.filter((row) => row.slower).length;
  const out = [
    `### Before and after: this build against baseline ${baseline.tag}`,
    '',
    `The ratios of one round-alternated run (this build's median / baseline ${baseline.tag}'s); a line counts as slower when its median is above the baseline's.`,
    `Slower: ${slowerCount} of ${rows.length} lines compared.`,
  ];
  if (rows.length) {
    out.push(
      '',
      '| group | line | baseline median s | this build median s | ratio | baseline peak RSS MiB | this build peak RSS MiB | |',
      '|---|---|---:|---:|---:|---:|---:|---|',
      ...rows.map((row) => `| ${row.cells.join(' | ')} |`),
    );
  }
  if (notCompared.length) out.push('', `Not compared, since one build did not complete them (see their tables): ${notCompared.join('; ')}.`);
  return out.join('\n');
}

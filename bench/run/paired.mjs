// Before and after, judged on paired rounds: a line and its baseline twin run back to back in every round
// (groups.mjs alternates which goes first), so drift on the machine moves both samples of a round alike.
// The ratio of each round's two samples, not the ratio of the two medians, is what the rounds measure.

import { median } from './format.mjs';

/** The confidence of the interval around the median ratio. */
const CONFIDENCE = 0.95;

/**
 * The median of the rounds' ratios `after[i] / before[i]`, and a distribution-free interval around it
 * (the sign test's: order statistics k and n+1-k of the sorted ratios, where k is the largest rank with
 * P(Binomial(n, ½) < k) ≤ (1 − CONFIDENCE)/2). Timings are skewed and their outliers real (a page
 * fault, the other core busy), which a normal interval would not survive. Below 6 pairs, the fewest
 * for which a 95% interval exists (the apply lines run 3 rounds), `low` and `high` are the smallest and
 * largest ratio, and `interval` is false. Null without a pair.
 */
export function pairedRatio(after, before) {
  const n = Math.min(after.length, before.length);
  const ratios = [];
  for (let i = 0; i < n; i++) if (before[i] > 0) ratios.push(after[i] / before[i]);
  ratios.sort((a, b) => a - b);
  if (ratios.length === 0) return null;
  const k = signTestRank(ratios.length);
  const rank = Math.max(k, 1);
  return { ratio: median(ratios), low: ratios[rank - 1], high: ratios[ratios.length - rank], pairs: ratios.length, interval: k > 0 };
}

/** The largest k with P(Binomial(n, ½) ≤ k − 1) ≤ (1 − CONFIDENCE)/2; 0 when there is none. */
function signTestRank(n) {
  const tail = (1 - CONFIDENCE) / 2;
  let cumulative = 0;
  let term = 0.5 ** n; // P(B = 0)
  let k = 0;
  for (let successes = 0; successes < n; successes++) {
    cumulative += term;
    if (cumulative > tail) break;
    k = successes + 1;
    term = (term * (n - successes)) / (successes + 1);
  }
  return k;
}

/**
 * 'slower' or 'faster' when the whole interval is on one side of 1, else 'same' (within what the rounds
 * can tell). Without an interval, what every round showed, or 'mixed'.
 */
export function verdict(paired) {
  if (!paired) return '—';
  const side = paired.low > 1 ? 'slower' : paired.high < 1 ? 'faster' : null;
  if (paired.interval) return side ?? 'same';
  return side ? `${side} in all ${paired.pairs} rounds` : 'mixed';
}

// Number formatting and the median, shared by the progress log and the report.

export function fmtInt(n) {
  return n.toLocaleString('en-US');
}

export function formatMiB(kib) {
  if (kib === null || kib === undefined) return '—';
  const mib = kib / 1024;
  return mib >= 100 ? mib.toFixed(0) : mib.toFixed(1);
}

/** The largest of a line's peak-RSS samples, or — when it has none. */
export function formatPeakMiB(rssKiB) {
  return rssKiB.length ? formatMiB(Math.max(...rssKiB)) : '—';
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

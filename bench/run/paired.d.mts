// Types of paired.mjs, for test/bench/paired.test.ts.
export interface PairedRatio {
  ratio: number;
  low: number;
  high: number;
  pairs: number;
  interval: boolean;
}
export function pairedRatio(after: readonly number[], before: readonly number[]): PairedRatio | null;
export function verdict(paired: PairedRatio | null): string;

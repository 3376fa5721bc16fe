// The before/after statistic of `npm run bench -- --baseline` (bench/run/paired.mjs).
import { describe, expect, it } from 'vitest';
import { pairedRatio, verdict } from '../../bench/run/paired.mjs';

/** Ratios 1 + step·i for i in 0..n-1 (in a shuffled order), each against a baseline sample of 2 s. */
function rounds(n: number, first: number, step: number): { after: number[]; before: number[] } {
  const ratios = Array.from({ length: n }, (_, i) => first + step * i);
  const shuffled = ratios.map((_, i) => ratios[(i * 7) % n]!);
  return { after: shuffled.map((ratio) => ratio * 2), before: shuffled.map(() => 2) };
}

describe('pairedRatio', () => {
  // Order statistics k and n+1-k of the sign test's 95% interval (tables of the binomial with p = 1/2).
  it.each([
    [6, 1],
    [9, 2],
    [15, 4],
    [20, 6],
  ])('bounds the median of %i pairs by the ratios of rank %i from either end', (n, k) => {
    const { after, before } = rounds(n, 0.9, 0.01);
    const paired = pairedRatio(after, before)!;
    expect(paired.interval).toBe(true);
    expect(paired.pairs).toBe(n);
    expect(paired.low).toBeCloseTo(0.9 + 0.01 * (k - 1), 10);
    expect(paired.high).toBeCloseTo(0.9 + 0.01 * (n - k), 10);
    expect(paired.ratio).toBeCloseTo(0.9 + (0.01 * (n - 1)) / 2, 10);
  });

  it('pairs round i of one line with round i of the other, not the medians', () => {
    // Both lines drift by the same factor each round: every pair's ratio is exactly 1.05.
    const before = [1, 3, 2, 5, 4, 1.5, 2.5, 3.5];
    const paired = pairedRatio(before.map((seconds) => seconds * 1.05), before)!;
    expect(paired.ratio).toBeCloseTo(1.05, 10);
    expect(paired.low).toBeCloseTo(1.05, 10);
    expect(verdict(paired)).toBe('slower');
  });

  it('gives the range of the ratios, and no interval, below 6 pairs', () => {
    const paired = pairedRatio([0.9, 1.7, 0.85], [1, 2, 1])!;
    expect(paired).toMatchObject({ interval: false, pairs: 3, low: 0.85, high: 0.9 });
    expect(pairedRatio([], [])).toBeNull();
  });
});

describe('verdict', () => {
  it('is slower or faster only when the whole interval is on one side of 1', () => {
    expect(verdict(pairedRatio(...Object.values(rounds(15, 1.01, 0.005)) as [number[], number[]]))).toBe('slower');
    expect(verdict(pairedRatio(...Object.values(rounds(15, 0.9, 0.005)) as [number[], number[]]))).toBe('faster');
    expect(verdict(pairedRatio(...Object.values(rounds(15, 0.97, 0.005)) as [number[], number[]]))).toBe('same');
  });

  it('says what every round showed where there are too few for an interval', () => {
    expect(verdict(pairedRatio([0.9, 0.8, 0.85], [1, 1, 1]))).toBe('faster in all 3 rounds');
    expect(verdict(pairedRatio([0.9, 1.1, 0.85], [1, 1, 1]))).toBe('mixed');
    expect(verdict(null)).toBe('—');
  });
});

import { describe, expect, it } from 'vitest';
import { runPool } from '../../src/runner/pool.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPool', () => {
  it('never runs more than `concurrency` items at once, and returns outcomes in item order', async () => {
    let running = 0;
    let most = 0;
    const outcomes = await runPool([30, 5, 20, 10, 1, 15], { concurrency: 3, stopOnFailure: true }, async (ms, index) => {
      running++;
      most = Math.max(most, running);
      await tick(ms);
      running--;
      return index * 10;
    });
    expect(most).toBe(3);
    expect(outcomes).toEqual([0, 10, 20, 30, 40, 50].map((value) => ({ status: 'ok', value })));
  });

  it('after a failure starts nothing new (stopOnFailure); the running ones finish', async () => {
    const started: number[] = [];
    const outcomes = await runPool([0, 1, 2, 3, 4], { concurrency: 2, stopOnFailure: true }, async (item) => {
      started.push(item);
      await tick(item === 0 ? 5 : 20);
      if (item === 0) throw new Error('boom');
      return item;
    });
    expect(started).toEqual([0, 1]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'ok', 'skipped', 'skipped', 'skipped']);
    expect(outcomes[0]).toMatchObject({ status: 'failed', error: new Error('boom') });
  });

  it('runs everything without stopOnFailure, and counts a value isFailure calls one as a failure', async () => {
    const settled: number[] = [];
    const outcomes = await runPool(
      [1, 2, 3, 4],
      { concurrency: 1, stopOnFailure: false, isFailure: (value: number) => value % 2 === 0, onSettled: (item) => settled.push(item) },
      async (item) => item,
    );
    expect(outcomes).toEqual([
      { status: 'ok', value: 1 },
      { status: 'failed', value: 2 },
      { status: 'ok', value: 3 },
      { status: 'failed', value: 4 },
    ]);
    expect(settled).toEqual([1, 2, 3, 4]);
  });

  it('starts nothing once the signal is aborted', async () => {
    const controller = new AbortController();
    const outcomes = await runPool([1, 2, 3], { concurrency: 1, stopOnFailure: false, signal: controller.signal }, async (item) => {
      if (item === 1) controller.abort();
      return item;
    });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['ok', 'skipped', 'skipped']);
  });
});

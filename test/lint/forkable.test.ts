import { describe, expect, it } from 'vitest';
import { Clock, ForkableMap, ForkableSet } from '../../src/lint/forkable.js';

describe('ForkableMap', () => {
  it('keysChangedSince: the keys written between an earlier fork and a later one (root writes and its own), nothing else', () => {
    const clock = new Clock();
    const root = ForkableMap.root<string, number>(clock);
    root.set('old', 1).set('kept', 2);
    const before = root.fork(clock.fork());
    expect([...root.fork(clock.fork()).keysChangedSince(before)]).toEqual([]);
    root.set('old', 10);
    root.set('new', 3);
    const after = root.fork(clock.fork());
    after.delete('kept');
    root.set('later', 4);
    expect([...after.keysChangedSince(before)].sort()).toEqual(['kept', 'new', 'old']);
    expect([...root.keysChangedSince(before)].sort()).toEqual(['later', 'new', 'old']);
  });

  it('a fork reads the root as it was when forked, and neither sees the other’s later writes', () => {
    const clock = new Clock();
    const root = ForkableMap.root<string, number>(clock);
    root.set('a', 1).set('b', 2);
    const fork = root.fork(clock.fork());
    root.set('a', 10);
    root.delete('b');
    root.set('c', 3);
    fork.set('d', 4);
    fork.delete('a');

    expect([...root]).toEqual([['a', 10], ['c', 3]]);
    expect([...fork]).toEqual([['b', 2], ['d', 4]]);
    expect(fork.get('a')).toBeUndefined();
    expect(fork.has('c')).toBe(false);
    expect(root.has('d')).toBe(false);
    expect([root.size, fork.size]).toEqual([2, 2]);
  });

  it('forks of forks and successive forks of the root stay independent', () => {
    const clock = new Clock();
    const root = ForkableMap.root<string, number>(clock);
    root.set('a', 1);
    const first = root.fork(clock.fork());
    root.set('a', 2);
    const second = root.fork(clock.fork());
    root.set('a', 3);
    first.set('x', 1);
    const firstChild = first.fork(clock.fork());
    first.set('x', 2);
    firstChild.set('a', 9);

    expect([root.get('a'), first.get('a'), second.get('a'), firstChild.get('a')]).toEqual([3, 1, 2, 9]);
    expect([first.get('x'), firstChild.get('x'), root.get('x')]).toEqual([2, 1, undefined]);
  });

  it('iterates in Map order: a key removed and added again comes last', () => {
    const clock = new Clock();
    const root = ForkableMap.root<string, number>(clock);
    root.set('a', 1).set('b', 2).set('c', 3);
    root.delete('a');
    root.set('a', 4);
    root.set('b', 5);
    expect([...root.keys()]).toEqual(['b', 'c', 'a']);
    expect(root.position('b')).toBeLessThan(root.position('a'));

    const fork = root.fork(clock.fork());
    fork.set('z', 0);
    fork.delete('b');
    fork.set('b', 6);
    expect([...fork.entries()]).toEqual([['c', 3], ['a', 4], ['z', 0], ['b', 6]]);
    expect([...root.values()]).toEqual([5, 3, 4]);
  });

  it('the root keeps size and order as a Map does through sets, deletes and re-adds, before and after forks', () => {
    const clock = new Clock();
    const root = ForkableMap.root<string, number>(clock);
    const map = new Map<string, number>();
    let seed = 7;
    const next = (limit: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % limit;
    for (let step = 0; step < 2000; step++) {
      const key = `k${next(40)}`;
      const choice = next(10);
      if (choice < 5) {
        root.set(key, step);
        map.set(key, step);
      } else if (choice < 9) expect(root.delete(key)).toBe(map.delete(key));
      else root.fork(clock.fork()); // later writes to a key get a new version instead of replacing its last
      expect(root.size).toBe(map.size);
    }
    expect([...root]).toEqual([...map]);
  });
});

describe('ForkableSet', () => {
  it('forks like the map', () => {
    const clock = new Clock();
    const root = ForkableSet.root(clock, ['public']);
    const fork = root.fork(clock.fork());
    root.add('app');
    fork.delete('public');
    fork.add('audit');
    expect([...root]).toEqual(['public', 'app']);
    expect([...fork]).toEqual(['audit']);
    expect([root.size, fork.size]).toEqual([2, 1]);
  });
});

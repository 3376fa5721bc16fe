/**
 * Snapshots of object graphs (src/lint/snapshot.ts), which the lint cache's
 * checkpoints are made of: identity, cycles, Map and Set order, class
 * instances, symbols and file references survive; what cannot be written
 * throws instead of being resumed wrongly.
 */
import { describe, expect, it } from 'vitest';
import { FORKABLE_SNAPSHOT_TYPES, ForkableMap, Clock } from '../../src/lint/forkable.js';
import { readSnapshot, writeSnapshot, type SnapshotTypes } from '../../src/lint/snapshot.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}

  sum(): number {
    return this.x + this.y;
  }
}

const marker = Symbol('marker');
const types: SnapshotTypes = { classes: { Point, ...FORKABLE_SNAPSHOT_TYPES.classes }, symbols: { marker, ...FORKABLE_SNAPSHOT_TYPES.symbols } };
const noFiles = () => undefined;
const roundTrip = <T>(value: T, fileRef: (value: object) => string | undefined = noFiles, file: (path: string) => object = () => ({})): T =>
  readSnapshot(writeSnapshot(value, types, fileRef), types, file) as T;

describe('snapshot', () => {
  it('keeps shared references shared, cycles, and every kind of value', () => {
    const shared = { name: 'users', tags: ['a', 'b'] };
    const cyclic: { self?: unknown; values: unknown[] } = { values: [1.5, -0, 'text', true, false, null, undefined, Infinity, Number.NaN, marker] };
    cyclic.self = cyclic;
    const back = roundTrip({ first: shared, second: shared, cyclic });
    expect(back.first).toBe(back.second);
    expect(back.first).toEqual(shared);
    expect(back.cyclic.self).toBe(back.cyclic);
    expect(back.cyclic.values).toEqual([1.5, 0, 'text', true, false, null, undefined, Infinity, Number.NaN, marker]);
    expect(back.cyclic.values.length).toBe(10);
  });

  it('keeps Map and Set order, object keys, and objects as keys', () => {
    const key = { id: 1 };
    const map = new Map<unknown, unknown>([
      ['z', 1],
      [key, 'object key'],
      ['a', new Set(['c', 'b', key])],
    ]);
    const back = roundTrip({ map, key });
    expect([...back.map.keys()]).toEqual(['z', back.key, 'a']);
    expect(back.map.get(back.key)).toBe('object key');
    expect([...(back.map.get('a') as Set<unknown>)]).toEqual(['c', 'b', back.key]);
  });

  it('restores class instances with their prototype, and forkable collections as they are now, which still fork', () => {
    const clock = new Clock();
    const tables = ForkableMap.root<string, Point>(clock);
    tables.set('a', new Point(1, 2));
    tables.set('gone', new Point(0, 0));
    const fork = tables.fork(clock.fork());
    tables.set('a', new Point(5, 6));
    tables.set('b', new Point(3, 4));
    tables.delete('gone');
    expect([...fork.keys()]).toEqual(['a', 'gone']);
    const text = writeSnapshot({ tables, clock }, types, noFiles);
    // Each key's current value only: no fork reads an earlier one (checkpoints are taken between migrations).
    expect(text).not.toMatch(/"x",1\b/);
    const back = readSnapshot(text, types, () => ({})) as { tables: ForkableMap<string, Point>; clock: Clock };
    expect(back.tables.get('a')!.sum()).toBe(11);
    expect([...back.tables.keys()]).toEqual(['a', 'b']);
    const again = back.tables.fork(back.clock.fork());
    back.tables.delete('a');
    back.tables.set('gone', new Point(1, 1));
    expect([...again.keys()]).toEqual(['a', 'b']);
    expect([...back.tables.keys()]).toEqual(['b', 'gone']);
    expect(() => writeSnapshot({ fork }, types, noFiles)).toThrow(/fork/);
  });

  it('writes files as references and reads them back as the caller’s objects', () => {
    const file = { path: '/m/0001_a.up.sql', statements: ['not written'] };
    const current = { path: '/m/0001_a.up.sql' };
    const back = roundTrip(
      { createdIn: file, again: file },
      (value) => (value === file ? file.path : undefined),
      (path) => (path === current.path ? current : {}),
    );
    expect(back.createdIn).toBe(current);
    expect(back.again).toBe(current);
  });

  it('writes a file once however often it is named, and value objects inline as equal copies', () => {
    const file = { path: '/m/0001_a.up.sql' };
    const span = { start: 1, end: 4 };
    const graph = { a: { file, span }, b: { file, span }, c: file };
    const valueTypes: SnapshotTypes = { ...types, isValue: (value) => 'end' in value };
    const text = writeSnapshot(graph, valueTypes, (value) => (value === file ? file.path : undefined));
    expect(text.split('0001_a.up.sql').length - 1).toBe(1);
    const files: object[] = [];
    const back = readSnapshot(text, valueTypes, (path) => {
      files.push({ path });
      return files[files.length - 1]!;
    }) as typeof graph;
    expect(files).toHaveLength(1);
    expect([back.a.file, back.b.file, back.c]).toEqual([files[0], files[0], files[0]]);
    expect(back.a.file).toBe(back.c);
    expect([back.a.span, back.b.span]).toEqual([span, span]);
    expect(back.a.span).not.toBe(back.b.span);
  });

  it('refuses functions, unregistered classes and unknown symbols', () => {
    expect(() => writeSnapshot({ hook: () => 1 }, types, noFiles)).toThrow(/function/);
    expect(() => writeSnapshot({ date: new Date(0) }, types, noFiles)).toThrow(/instance of Date/);
    expect(() => writeSnapshot({ symbol: Symbol('other') }, types, noFiles)).toThrow(/Symbol\(other\)/);
    expect(() => readSnapshot('{"root":[0],"shapes":[],"nodes":[["c","Nope"]]}', types, () => ({}))).toThrow(/unknown class Nope/);
  });
});

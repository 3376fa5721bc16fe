/**
 * Maps and sets that fork in constant time, for the schema model. The engine
 * forks the model for every down file and rules keep the model as it was
 * before each up file: copying a model of thousands of tables each time made
 * linting quadratic (10,000 files: 4 s of 6).
 *
 * The root collection keeps each key's values over time, stamped with the
 * version of its `Clock`. A fork reads the root as it was at the version it
 * was made at, under an overlay of its own writes; forking the root advances
 * the clock, so the root's later writes are newer than every fork of it.
 */

import { SNAPSHOT_FIELDS } from './snapshot.js';

const REMOVED = Symbol('removed');
const NOTHING: ReadonlySet<never> = new Set();
type Slot<V> = V | typeof REMOVED;

/**
 * One key's values: the latest inline, the ones before it (oldest first) only once there are any
 * (most keys are written once: two arrays per key were ~2 MB of the synthetic set's heap, for the
 * garbage collector to trace). `position` orders keys as a Map orders its insertions.
 */
interface History<V> {
  position: number;
  version: number;
  slot: Slot<V>;
  older?: { versions: number[]; slots: Slot<V>[] };
}

/** The version counter shared by a root model's collections. */
export class Clock {
  private now = 0;

  get version(): number {
    return this.now;
  }

  /** The version a fork made now reads; root writes after it get a newer one. */
  fork(): number {
    return this.now++;
  }
}

class Store<K, V> {
  readonly histories = new Map<K, History<V>>();
  /** Every write's key and version, in order (versions never decrease): what changed between two versions, without a scan of every key. */
  readonly writeVersions: number[] = [];
  readonly writeKeys: K[] = [];
  /** How many keys have a current value: the root's size without a walk over every key (a checkpoint's cost is weighed on it). */
  live = 0;
  private nextPosition = 0;

  constructor(readonly clock: Clock) {}

  current(key: K): Slot<V> | undefined {
    const history = this.histories.get(key);
    return history?.slot;
  }

  at(key: K, version: number): Slot<V> | undefined {
    const history = this.histories.get(key);
    if (!history) return undefined;
    if (history.version <= version) return history.slot;
    const older = history.older;
    if (!older) return undefined;
    let index = older.versions.length - 1;
    while (index >= 0 && older.versions[index]! > version) index--;
    return index < 0 ? undefined : older.slots[index];
  }

  write(key: K, slot: Slot<V>): void {
    const version = this.clock.version;
    this.writeVersions.push(version);
    this.writeKeys.push(key);
    const history = this.histories.get(key);
    if (!history) {
      if (slot !== REMOVED) {
        this.histories.set(key, { position: this.nextPosition++, version, slot });
        this.live++;
      }
      return;
    }
    const wasRemoved = history.slot === REMOVED;
    const readded = wasRemoved && slot !== REMOVED;
    if (readded) this.live++;
    else if (!wasRemoved && slot === REMOVED) this.live--;
    // No fork reads a value written since the last fork: replace it instead of keeping it.
    if (history.version !== version) {
      history.older ??= { versions: [], slots: [] };
      history.older.versions.push(history.version);
      history.older.slots.push(history.slot);
      history.version = version;
    }
    history.slot = slot;
    if (readded) {
      // A key added again goes last, as in a Map.
      history.position = this.nextPosition++;
      this.histories.delete(key);
      this.histories.set(key, history);
    }
  }

  newPosition(): number {
    return this.nextPosition++;
  }

  /**
   * What a checkpoint keeps (snapshot.ts): each key's current value, not its
   * history. A checkpoint is written between two migrations, when no fork is
   * kept (ForkableMap refuses to be written as one), so no earlier version is
   * read again; with the history, LemmyNet's two checkpoints were 2.9 MB
   * instead of 0.7 MB.
   */
  [SNAPSHOT_FIELDS](): Record<string, unknown> {
    const histories = new Map<K, History<V>>();
    for (const [key, history] of this.histories) {
      if (history.slot !== REMOVED) histories.set(key, { position: history.position, version: history.version, slot: history.slot });
    }
    return { clock: this.clock, histories, writeVersions: [], writeKeys: [], live: this.live, nextPosition: this.nextPosition };
  }
}

export class ForkableMap<K, V> implements ReadonlyMap<K, V> {
  static root<K, V>(clock: Clock): ForkableMap<K, V> {
    return new ForkableMap(new Store(clock));
  }

  private constructor(
    private readonly store: Store<K, V>,
    /** The root's version this fork reads; undefined for the root itself. */
    private readonly version?: number,
    /** This fork's own writes; made on its first write (most forks of most collections never write). */
    private overlay?: Map<K, Slot<V>>,
    /** Keys this fork added, with their positions (after every key of the version it reads). */
    private addedPositions?: Map<K, number>,
  ) {}

  /** A checkpoint holds the root only: a fork reads versions that the store's snapshot does not keep. */
  [SNAPSHOT_FIELDS](): Record<string, unknown> {
    if (this.version !== undefined) throw new Error('cannot snapshot a fork of a collection: checkpoints hold the model between migrations');
    return { store: this.store, version: undefined, overlay: undefined, addedPositions: undefined };
  }

  /** An independent copy reading the root at `version` (a fork of a fork reads what its parent reads). */
  fork(version: number): ForkableMap<K, V> {
    if (this.version === undefined) return new ForkableMap(this.store, version);
    return new ForkableMap(this.store, this.version, this.overlay && new Map(this.overlay), this.addedPositions && new Map(this.addedPositions));
  }

  get size(): number {
    if (this.version === undefined) return this.store.live;
    let size = 0;
    for (const _ of this.keys()) size++;
    return size;
  }

  get(key: K): V | undefined {
    const slot = this.slot(key);
    return slot === REMOVED ? undefined : slot;
  }

  has(key: K): boolean {
    const slot = this.slot(key);
    return slot !== undefined && slot !== REMOVED;
  }

  set(key: K, value: V): this {
    this.write(key, value);
    return this;
  }

  delete(key: K): boolean {
    const had = this.has(key);
    if (had) this.write(key, REMOVED);
    return had;
  }

  /**
   * The keys whose value may differ between `base`, a fork of the same root
   * made earlier, and this collection: root writes after `base`'s version (up
   * to this fork's) and either fork's own writes. Costs what changed, not
   * the size of the collection.
   */
  keysChangedSince(base: ForkableMap<K, V>): ReadonlySet<K> {
    const { writeVersions, writeKeys } = this.store;
    const from = base.version ?? this.store.clock.version;
    const to = this.version ?? Number.POSITIVE_INFINITY;
    let low = 0;
    let high = writeVersions.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (writeVersions[mid]! <= from) low = mid + 1;
      else high = mid;
    }
    const rootWrites = low < writeVersions.length && writeVersions[low]! <= to;
    if (!rootWrites && !this.overlay?.size && !base.overlay?.size) return NOTHING;
    const keys = new Set<K>(this.overlay?.keys());
    for (const key of base.overlay?.keys() ?? []) keys.add(key);
    for (let index = low; index < writeVersions.length && writeVersions[index]! <= to; index++) keys.add(writeKeys[index]!);
    return keys;
  }

  /** Where `key` comes in iteration order: comparable between keys of one collection. */
  position(key: K): number {
    return this.addedPositions?.get(key) ?? this.store.histories.get(key)?.position ?? Number.MAX_SAFE_INTEGER;
  }

  *entries(): MapIterator<[K, V]> {
    if (this.version === undefined) {
      // The root: each key's last value, in the histories' order (which is the keys' positions).
      for (const [key, { slot }] of this.store.histories) {
        if (slot !== REMOVED) yield [key, slot];
      }
      return;
    }
    for (const key of this.store.histories.keys()) {
      if (this.addedPositions?.has(key)) continue;
      const slot = this.slot(key);
      if (slot !== undefined && slot !== REMOVED) yield [key, slot];
    }
    const added = [...(this.addedPositions ?? [])].sort((a, b) => a[1] - b[1]);
    for (const [key] of added) {
      const slot = this.overlay?.get(key);
      if (slot !== undefined && slot !== REMOVED) yield [key, slot];
    }
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  private slot(key: K): Slot<V> | undefined {
    const own = this.overlay?.get(key);
    if (own !== undefined) return own;
    return this.version === undefined ? this.store.current(key) : this.store.at(key, this.version);
  }

  private write(key: K, slot: Slot<V>): void {
    if (this.version === undefined) {
      this.store.write(key, slot);
      return;
    }
    const visibleBefore = this.has(key);
    this.overlay ??= new Map();
    this.addedPositions ??= new Map();
    this.overlay.set(key, slot);
    // A key new to this fork goes last; one it removes and adds again goes last again.
    if (slot !== REMOVED && !visibleBefore) this.addedPositions.set(key, this.store.newPosition());
  }
}

export class ForkableSet<T> implements ReadonlySet<T> {
  private constructor(private readonly map: ForkableMap<T, true>) {}

  static root<T>(clock: Clock, values: Iterable<T> = []): ForkableSet<T> {
    const set = new ForkableSet(ForkableMap.root<T, true>(clock));
    for (const value of values) set.add(value);
    return set;
  }

  fork(version: number): ForkableSet<T> {
    return new ForkableSet(this.map.fork(version));
  }


  get size(): number {
    return this.map.size;
  }

  has(value: T): boolean {
    return this.map.has(value);
  }

  add(value: T): this {
    if (!this.map.has(value)) this.map.set(value, true);
    return this;
  }

  delete(value: T): boolean {
    return this.map.delete(value);
  }

  *values(): SetIterator<T> {
    yield* this.map.keys();
  }

  keys(): SetIterator<T> {
    return this.values();
  }

  *entries(): SetIterator<[T, T]> {
    for (const value of this.map.keys()) yield [value, value];
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.values();
  }

  forEach(callback: (value: T, key: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    for (const value of this.map.keys()) callback.call(thisArg, value, value, this);
  }
}

/** The classes and symbols a checkpoint of these collections holds (see snapshot.ts). */
export const FORKABLE_SNAPSHOT_TYPES = {
  classes: { Clock, Store, ForkableMap, ForkableSet },
  symbols: { removed: REMOVED },
};

/**
 * Writes an object graph (the schema model and the rules' walk state) to a
 * string and reads it back, for the lint cache's checkpoints. Unlike JSON it
 * keeps identity (two references to one object stay one object, cycles
 * included), Maps and Sets with their order, `undefined`, the instances of
 * the classes it is given (their prototype is restored, their fields written
 * as they are), and named symbols. Lint files are written as references (their
 * path) and read back as the caller's file objects, so a checkpoint does not
 * hold the sequence's parse trees.
 *
 * Anything else (a function, an unregistered class) throws: a rule whose
 * walk state cannot be written would otherwise be resumed wrongly. A class
 * may say which fields a snapshot keeps of an instance (`SNAPSHOT_FIELDS`).
 *
 * The graph is walked with a queue, not recursion: parse trees nest deeply.
 */

/**
 * A method a class may define: the fields (own property → value) written for
 * an instance instead of all of its own, read back onto an instance of it.
 */
export const SNAPSHOT_FIELDS: unique symbol = Symbol('snapshot fields');

interface WithSnapshotFields {
  [SNAPSHOT_FIELDS](): Record<string, unknown>;
}

export interface SnapshotTypes {
  /** Classes whose instances may appear, by a name of their own (a bundler renames classes). */
  classes: Readonly<Record<string, { readonly prototype: unknown }>>;
  /** Symbols that may appear as values, by name. */
  symbols: Readonly<Record<string, symbol>>;
  /**
   * Plain objects that are values, not identities (spans): written inline where they are referenced, so two
   * references read back as two equal objects. Each saves a node and a lookup: a model of 5,000 tables holds
   * 65,000 spans, a fifth of its objects.
   */
  isValue?(value: object): boolean;
}

/**
 * A value inside a node: a JSON primitive, or a one-element array naming a node, or a tagged special value:
 * a file (by its index in `files`: a model names each file thousands of times), a value object inline.
 */
type Slot = string | number | boolean | null | [number] | ['u'] | ['y', string] | ['f', number] | ['n', string] | ['v', number, ...unknown[]];

/**
 * Node layouts: ['o', shape, slot, …] (a plain object whose keys are `shapes[shape]`: most objects
 * share a few shapes, so their keys are written once), ['a', slot, …], ['m', key slot, value slot, …],
 * ['s', slot, …], ['c', class, key, slot, …], ['w'] (a WeakSet, read back empty: only caches hold one).
 */
type Node = Array<string | Slot>;

export function writeSnapshot(root: unknown, types: SnapshotTypes, fileRef: (value: object) => string | undefined): string {
  const classNames = new Map<object, string>(Object.entries(types.classes).map(([name, type]) => [type.prototype as object, name]));
  const symbolNames = new Map<symbol, string>(Object.entries(types.symbols).map(([name, symbol]) => [symbol, name]));
  const ids = new Map<object, number>();
  const queue: object[] = [];
  const files: string[] = [];
  const fileIds = new Map<string, number>();
  // Each slot and node is written as JSON text at once (the layout above), not built as arrays for
  // JSON.stringify: a model of thousands of tables has hundreds of thousands of them.
  const slot = (value: unknown): string => {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        return Number.isFinite(value) ? String(value) : `["n","${String(value)}"]`;
      case 'undefined':
        return '["u"]';
      case 'symbol': {
        const name = symbolNames.get(value);
        if (name === undefined) throw new Error(`cannot snapshot ${String(value)}`);
        return `["y",${JSON.stringify(name)}]`;
      }
      case 'object': {
        if (value === null) return 'null';
        let id = ids.get(value);
        if (id !== undefined) return `[${id}]`;
        const path = fileRef(value);
        if (path !== undefined) {
          let index = fileIds.get(path);
          if (index === undefined) {
            index = files.length;
            files.push(path);
            fileIds.set(path, index);
          }
          return `["f",${index}]`;
        }
        if (types.isValue?.(value)) return plain(value as Record<string, unknown>, '"v"');
        id = queue.length;
        ids.set(value, id);
        queue.push(value);
        return `[${id}]`;
      }
      default:
        throw new Error(`cannot snapshot a ${typeof value}`);
    }
  };
  const shapes: string[][] = [];
  const shapeIds = new Map<string, number>();
  /** A plain object's node (tag "o"), or a value object inline (tag "v"): its shape, then its fields. */
  const plain = (value: Record<string, unknown>, tag = '"o"'): string => {
    const keys = Object.keys(value);
    const signature = keys.join('\0');
    let shape = shapeIds.get(signature);
    if (shape === undefined) {
      shape = shapes.length;
      shapes.push(keys);
      shapeIds.set(signature, shape);
    }
    let node = `[${tag},${shape}`;
    for (const key of keys) node += `,${slot(value[key])}`;
    return `${node}]`;
  };
  const nodes: string[] = [];
  const rootSlot = slot(root);
  for (let index = 0; index < queue.length; index++) {
    const value = queue[index]!;
    const prototype = Object.getPrototypeOf(value) as object | null;
    let node: string;
    if (Array.isArray(value)) {
      node = '["a"';
      for (const item of value) node += `,${slot(item)}`;
    } else if (value instanceof Map) {
      node = '["m"';
      for (const [key, entry] of value) node += `,${slot(key)},${slot(entry)}`;
    } else if (value instanceof Set) {
      node = '["s"';
      for (const item of value) node += `,${slot(item)}`;
    } else if (value instanceof WeakSet) node = '["w"';
    else if (prototype === Object.prototype || prototype === null) {
      nodes.push(plain(value as Record<string, unknown>));
      continue;
    } else {
      const name = classNames.get(prototype);
      if (name === undefined) throw new Error(`cannot snapshot an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'an unknown class'}`);
      node = `["c",${JSON.stringify(name)}`;
      const own = (value as Partial<WithSnapshotFields>)[SNAPSHOT_FIELDS];
      const fields = typeof own === 'function' ? own.call(value) : (value as Record<string, unknown>);
      for (const key of Object.keys(fields)) node += `,${JSON.stringify(key)},${slot(fields[key])}`;
    }
    nodes.push(`${node}]`);
  }
  return `{"root":${rootSlot},"shapes":${JSON.stringify(shapes)},"files":${JSON.stringify(files)},"nodes":[${nodes.join(',')}]}`;
}

export function readSnapshot(text: string, types: SnapshotTypes, file: (path: string) => object): unknown {
  const { root, shapes, files, nodes } = JSON.parse(text) as { root: Slot; shapes: string[][]; files: string[]; nodes: Node[] };
  const fileObjects: object[] = [];
  const prototypes = new Map<string, object>(Object.entries(types.classes).map(([name, type]) => [name, type.prototype as object]));
  // First every object, empty, so that references (cycles too) can be resolved; then their contents.
  const objects = nodes.map((node): object => {
    switch (node[0]) {
      case 'a':
        return [];
      case 'm':
        return new Map();
      case 's':
        return new Set();
      case 'w':
        return new WeakSet();
      case 'o':
        return {};
      case 'c': {
        const prototype = prototypes.get(node[1] as string);
        if (!prototype) throw new Error(`snapshot names an unknown class ${String(node[1])}`);
        return Object.create(prototype) as object;
      }
      default:
        throw new Error(`snapshot has an unknown node ${String(node[0])}`);
    }
  });
  const value = (slot: Slot): unknown => {
    if (!Array.isArray(slot)) return slot;
    if (typeof slot[0] === 'number') return objects[slot[0]];
    switch (slot[0]) {
      case 'u':
        return undefined;
      case 'n':
        return Number(slot[1]);
      case 'y': {
        const symbol = types.symbols[slot[1]!];
        if (symbol === undefined) throw new Error(`snapshot names an unknown symbol ${slot[1]}`);
        return symbol;
      }
      case 'f': {
        const index = slot[1]!;
        if (files[index] === undefined) throw new Error('snapshot names an unknown file');
        return (fileObjects[index] ??= file(files[index]));
      }
      case 'v':
        return fillShaped({}, slot, 'a value');
      default:
        throw new Error('snapshot has an unknown value');
    }
  };
  /** Fills `record` from a plain object's node or an inline value, both laid out [tag, shape, slot, …]. */
  const fillShaped = (record: Record<string, unknown>, shaped: readonly unknown[], what: string): Record<string, unknown> => {
    const keys = shapes[shaped[1] as number];
    if (!keys || keys.length !== shaped.length - 2) throw new Error(`snapshot has ${what} of an unknown shape`);
    for (let at = 0; at < keys.length; at++) record[keys[at]!] = value(shaped[at + 2] as Slot);
    return record;
  };
  for (const [index, node] of nodes.entries()) {
    const target = objects[index]!;
    const tag = node[0];
    if (tag === 'a') {
      const array = target as unknown[];
      for (let at = 1; at < node.length; at++) array.push(value(node[at] as Slot));
    } else if (tag === 'm') {
      const map = target as Map<unknown, unknown>;
      for (let at = 1; at < node.length; at += 2) map.set(value(node[at] as Slot), value(node[at + 1] as Slot));
    } else if (tag === 's') {
      const set = target as Set<unknown>;
      for (let at = 1; at < node.length; at++) set.add(value(node[at] as Slot));
    } else if (tag === 'o') {
      fillShaped(target as Record<string, unknown>, node, 'an object');
    } else if (tag === 'c') {
      const record = target as Record<string, unknown>;
      for (let at = 2; at < node.length; at += 2) record[node[at] as string] = value(node[at + 1] as Slot);
    }
  }
  return value(root);
}

import { describe, expect, it } from 'vitest';
import { processIO } from '../../src/cli/io.js';

describe('processIO', () => {
  it('reads process.stdin only when a command asks for it: Node builds the stream on first read, which most commands never need', () => {
    const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
    let reads = 0;
    Object.defineProperty(process, 'stdin', {
      configurable: true,
      enumerable: original.enumerable,
      get() {
        reads++;
        return original.get!.call(process) as NodeJS.ReadStream;
      },
    });
    try {
      const io = processIO(new AbortController().signal);
      expect(reads).toBe(0);
      expect(io.stdin).toBe(original.get!.call(process));
      expect(reads).toBe(1);
    } finally {
      Object.defineProperty(process, 'stdin', original);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { commandLoaders } from '../../src/cli/commands/index.js';
import { commandNames } from '../../src/cli/program.js';

describe('command handlers', () => {
  it('every declared command has a loader, and every loader a declared command', () => {
    expect(Object.keys(commandLoaders).sort()).toEqual([...commandNames].sort());
  });

  it.each(commandNames)('%s loads a default-exported handler', async (name) => {
    const module = await commandLoaders[name]!();
    expect(typeof module.default).toBe('function');
  });
});

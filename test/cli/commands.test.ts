import { describe, expect, it } from 'vitest';
import { commandLoaders } from '../../src/cli/commands/index.js';
import { COMMAND_NAMES } from '../../src/cli/commands/names.js';

describe('command handlers', () => {
  it('every declared command has a loader, and every loader a declared command', () => {
    expect(Object.keys(commandLoaders).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it.each(COMMAND_NAMES)('%s loads a default-exported handler', async (name) => {
    const module = await commandLoaders[name]!();
    expect(typeof module.default).toBe('function');
  });
});

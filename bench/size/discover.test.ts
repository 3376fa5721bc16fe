// Discovery of a large folder: `npm run bench` runs this, `npm test` does not (durations flake on a busy machine).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverMigrations } from '../../src/migrations/index.js';
import { tempDir } from '../../test/migrations/helpers.js';

describe('discovery', () => {
  it('lists 10,000 files quickly', async () => {
    const dir = await tempDir();
    const names = Array.from({ length: 5000 }, (_, i) => String(i + 1).padStart(5, '0') + '_m');
    await Promise.all(names.flatMap((base) => [`${base}.up.sql`, `${base}.down.sql`].map((name) => writeFile(join(dir, name), ''))));
    const started = performance.now();
    const set = discoverMigrations(dir);
    const elapsed = performance.now() - started;
    expect(set.migrations).toHaveLength(5000);
    expect(set.migrations[4999]!.version).toBe(5000);
    expect(set.problems).toEqual([]);
    expect(elapsed).toBeLessThan(2000);
  });
});

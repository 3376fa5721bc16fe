import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IN_PLACE_MAX_AGE_MS, IN_PLACE_MAX_COPIES, inPlaceFolder } from '../../src/migrations/layouts/in-place.js';
import { tempDir } from './helpers.js';

const HOUR = 60 * 60 * 1000;
const GOOSE = '-- +goose Up\nCREATE TABLE IF NOT EXISTS t (id int);\n-- +goose Down\nDROP TABLE IF EXISTS t;\n';

let cacheHome: string;
const saved = process.env.XDG_CACHE_HOME;
beforeEach(async () => {
  cacheHome = await tempDir();
  process.env.XDG_CACHE_HOME = cacheHome;
});
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved;
});

/** A fake working copy last used `ago` ms before now. */
function copy(copies: string, name: string, ago: number): void {
  mkdirSync(join(copies, name), { recursive: true });
  writeFileSync(join(copies, name, '0001_x.up.sql'), 'SELECT 1;\n');
  const when = new Date(Date.now() - ago);
  utimesSync(join(copies, name), when, when);
}

describe('in-place working copies', () => {
  it(`are bounded on each in-place run: unused for ${IN_PLACE_MAX_AGE_MS / 24 / HOUR} days removed, at most ${IN_PLACE_MAX_COPIES} kept, none used within the hour removed`, async () => {
    const tool = await tempDir();
    writeFileSync(join(tool, '1_t.sql'), GOOSE);
    const copies = join(cacheHome, 'sqlmig', 'in-place');
    copy(copies, 'forgotten', IN_PLACE_MAX_AGE_MS + HOUR);
    copy(copies, 'in-use', 10 * 60 * 1000);
    copy(copies, 'crashed.123.partial', 3 * HOUR + 30 * 60 * 1000);
    for (let hours = 2; hours <= 26; hours++) copy(copies, `h${String(hours).padStart(2, '0')}`, hours * HOUR);

    const folder = inPlaceFolder(tool, undefined)!;
    const kept = readdirSync(copies).sort();
    expect(kept).toHaveLength(IN_PLACE_MAX_COPIES);
    // The one this run uses, the one in use, and the 18 most recently used others (h02, h03, the partial, h04 … h18).
    expect(kept).toEqual([
      'crashed.123.partial',
      ...Array.from({ length: 17 }, (_, i) => `h${String(i + 2).padStart(2, '0')}`),
      'in-use',
      folder.dir.slice(copies.length + 1),
    ].sort());
    // Its time says it was just used, so the next run's pruning keeps it.
    expect(Date.now() - statSync(folder.dir).mtimeMs).toBeLessThan(HOUR);
  });

  it('a second run with the same files reuses its copy, even one idle for longer than the limit, and marks it used', async () => {
    const tool = await tempDir();
    writeFileSync(join(tool, '1_t.sql'), GOOSE);
    const first = inPlaceFolder(tool, undefined)!;
    const old = new Date(Date.now() - IN_PLACE_MAX_AGE_MS - HOUR);
    utimesSync(first.dir, old, old);
    const second = inPlaceFolder(tool, undefined)!;
    expect(second.dir).toBe(first.dir);
    expect(readdirSync(second.dir)).toContain('1_t.up.sql');
    expect(Date.now() - statSync(second.dir).mtimeMs).toBeLessThan(HOUR);
  });

  it("keeps state for a run without a config file in sqlmig's user cache, one folder per tool folder, never beside the tool folder", async () => {
    const parent = await tempDir();
    const a = join(parent, 'a');
    const b = join(parent, 'b');
    for (const dir of [a, b]) {
      mkdirSync(dir);
      writeFileSync(join(dir, '1_t.sql'), GOOSE);
    }
    const stateA = inPlaceFolder(a, undefined)!.stateDir;
    expect(dirname(stateA)).toBe(join(cacheHome, 'sqlmig', 'in-place-state'));
    expect(inPlaceFolder(b, undefined)!.stateDir).not.toBe(stateA);
    // An edit makes a new working copy, but the state (caches, an embedded database) stays where it was.
    writeFileSync(join(a, '2_u.sql'), GOOSE.replaceAll(' t ', ' u '));
    expect(inPlaceFolder(a, undefined)!.stateDir).toBe(stateA);
    expect(readdirSync(parent).sort()).toEqual(['a', 'b']);
  });
});

/**
 * The committed package-lock.json is what `npm install` would write: a fresh
 * clone stays clean after `npm install`, and `npm ci` installs what
 * package.json asks for.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Manifest = Record<string, unknown> & { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

const read = (file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const pkg = read('package.json') as Manifest;
const lock = read('package-lock.json') as { name: string; version: string; packages: Record<string, Manifest> };

describe('package-lock.json', () => {
  it('records package.json as it is: name, version, license, bin, engines and every dependency range', () => {
    const root = lock.packages[''];
    const fields = ['name', 'version', 'license', 'bin', 'engines', 'dependencies', 'devDependencies'] as const;
    expect(Object.fromEntries(fields.map((field) => [field, root?.[field]]))).toEqual(Object.fromEntries(fields.map((field) => [field, pkg[field]])));
    expect([lock.name, lock.version]).toEqual([pkg.name, pkg.version]);
  });

  it('holds each direct dependency, and no package that nothing depends on', () => {
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) expect(lock.packages[`node_modules/${name}`], name).toBeDefined();
    const wanted = new Set<string>();
    for (const entry of Object.values(lock.packages)) {
      const ranges = { ...entry.dependencies, ...(entry.optionalDependencies as object), ...(entry.peerDependencies as object), ...entry.devDependencies };
      for (const name of Object.keys(ranges)) wanted.add(name);
    }
    const orphans = Object.keys(lock.packages)
      .filter((path) => path.startsWith('node_modules/'))
      .map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
      .filter((name) => !wanted.has(name));
    expect(orphans).toEqual([]);
  });
});

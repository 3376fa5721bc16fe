/**
 * The package's two entries (built by `npm test`): `import('sqlmig')` and
 * `require('sqlmig')` give the same API, and requiring it loads no database
 * driver. Run in a child process so that the module cache is its own.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function node(script: string): string {
  return execFileSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
}

describe('package entries', () => {
  it('require() and import() resolve through the exports map to the same API', () => {
    const out = node(`
      const cjs = require('sqlmig');
      import('sqlmig').then((esm) => {
        console.log(JSON.stringify({
          cjs: Object.keys(cjs).sort(),
          esm: Object.keys(esm).sort(),
          lint: typeof cjs.lint,
          error: new cjs.ConfigError('x') instanceof cjs.SqlmigError,
          drivers: Object.keys(require.cache).filter((file) => /pglite|libpg-query|[\\\\/]postgres[\\\\/]/.test(file)),
        }));
      });`);
    const result = JSON.parse(out) as { cjs: string[]; esm: string[]; lint: string; error: boolean; drivers: string[] };
    expect(result.cjs).toEqual(result.esm);
    expect(result.cjs).toContain('migrate');
    expect(result.lint).toBe('function');
    expect(result.error).toBe(true);
    expect(result.drivers).toEqual([]);
  });
});

// Speed of the pretty reporter on a huge file: `npm run bench` runs this, `npm test` does not (durations flake on a busy machine).
import { describe, expect, it } from 'vitest';
import { formatPretty } from '../../src/reporters/pretty.js';
import { cwd, diagnostic, lintResult, upFile } from '../../test/reporters/fixtures.js';

const plain = { cwd, color: false };

describe('pretty', () => {
  it('stays fast on a 5 MB one-line file with many diagnostics', () => {
    const source = 'SELECT 1; '.repeat(500_000);
    const diagnostics = Array.from({ length: 2_000 }, (_, i) =>
      diagnostic({ line: 1, column: i * 2_000 + 1, endLine: 1, endColumn: i * 2_000 + 10 }),
    );
    const started = performance.now();
    const output = formatPretty(lintResult(diagnostics, { sources: { [upFile]: source } }), plain);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(output.split('\n').filter((line) => line.startsWith('  > 1 | ')).every((line) => line.length < 120)).toBe(true);
  });
});

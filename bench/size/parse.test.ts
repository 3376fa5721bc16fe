// Size and speed of the parser: `npm run bench` runs this, `npm test` does not (durations flake on a busy machine).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseSql } from '../../src/parse/index.js';

beforeAll(async () => {
  await loadParser();
});

describe('size', () => {
  it('parses 10,000 statements and a 5 MB file', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `CREATE TABLE IF NOT EXISTS t${i} (id bigint PRIMARY KEY, note text); -- ${i}`).join('\n');
    let started = performance.now();
    const parsed = parseSql(many);
    expect(parsed.statements).toHaveLength(10_000);
    expect(parsed.statements[9_999]!.line).toBe(10_000);
    expect(performance.now() - started).toBeLessThan(5_000);

    const row = "INSERT INTO t (a, b) VALUES (1, 'é ............................................................');\n";
    const big = row.repeat(Math.ceil(5_000_000 / row.length));
    started = performance.now();
    const parsedBig = parseSql(big);
    expect(parsedBig.errors).toEqual([]);
    expect(parsedBig.statements.length).toBe(Math.ceil(5_000_000 / row.length));
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 30_000);
});

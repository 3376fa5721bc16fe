/** `sqlmig explain` of a lock rule says what each example does to a table with rows (the effect its PostgreSQL test checks). */
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { formatRuleExplanation } from '../../src/reporters/index.js';

describe('explain: example effects', () => {
  it('names the lock, what it blocks, and whether the table is read or rewritten', () => {
    const rule = rules.find((candidate) => candidate.id === 'require-concurrent-index')!;
    const headings = formatRuleExplanation(rule, { color: false }).split('\n').filter((line) => /^(Bad|Good)/.test(line));
    expect(headings[0]).toBe('Bad — on a table with rows: SHARE lock on users (blocks writes), reads every row');
    expect(headings[1]).toBe('Bad — on a table with rows: ACCESS EXCLUSIVE lock on users (blocks reads and writes), reads and copies nothing');
    expect(headings.find((line) => line.startsWith('Good'))).toBe('Good — on a table with rows: SHARE UPDATE EXCLUSIVE lock on users (blocks neither reads nor writes), reads and copies nothing');
  });
});

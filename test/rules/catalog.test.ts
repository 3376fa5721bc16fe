/** Every rule has its file, a registry entry, documentation and examples (issue 3, "Must show"). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';

const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

describe('rule catalog', () => {
  it('the registry is sorted by id and ids are unique', () => {
    const ids = rules.map((rule) => rule.id);
    expect(ids).toEqual([...new Set(ids)].sort());
  });

  for (const rule of rules) {
    it(`${rule.id}: file, documentation and examples`, async () => {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(existsSync(`${RULES_DIR}${rule.id}.ts`)).toBe(true);
      expect((await import(`${RULES_DIR}${rule.id}.ts`)).default).toBe(rule);
      expect(['error', 'warn', 'off']).toContain(rule.defaultSeverity);
      expect(rule.description).not.toMatch(/\n/);
      expect(rule.description.length).toBeGreaterThan(10);
      expect(rule.rationale).toMatch(/SOP|rule/i);
      expect(rule.examples.bad.length).toBeGreaterThan(0);
      expect(rule.examples.good.length).toBeGreaterThan(0);
      for (const example of rule.examples.bad) expect(example.expect?.length).toBeGreaterThan(0);
    });
  }
});

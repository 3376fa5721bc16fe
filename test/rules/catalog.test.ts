/** Every rule has its file, a registry entry, documentation and examples (issue 3, "Must show"). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { sharedPath } from '../helpers/shared.js';

const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
/** The design reference beside the repository (DESIGN.md §4 has the rule table), or $SQLMIG_DESIGN. */
const DESIGN = process.env.SQLMIG_DESIGN ?? sharedPath('DESIGN.md');

/** `| \`id\` | default | … |` rows of DESIGN.md §4: id → default severity. */
function designRules(): Map<string, string> {
  const section = readFileSync(DESIGN, 'utf8').split(/^## /m).find((part) => part.startsWith('4.')) ?? '';
  return new Map([...section.matchAll(/^\| `([a-z-]+)` \| (error|warn|off) \|/gm)].map((match) => [match[1]!, match[2]!]));
}

describe('rule catalog', () => {
  it('the registry is sorted by id and ids are unique', () => {
    const ids = rules.map((rule) => rule.id);
    expect(ids).toEqual([...new Set(ids)].sort());
  });

  it('every rule file is registered', () => {
    const files = readdirSync(RULES_DIR).filter((name) => name.endsWith('.ts') && name !== 'index.ts');
    expect(files.map((name) => name.slice(0, -'.ts'.length)).sort()).toEqual(rules.map((rule) => rule.id));
  });

  it('every rule of DESIGN.md §4 is registered with its default severity', () => {
    const design = designRules();
    expect(design.size).toBeGreaterThanOrEqual(15);
    expect(Object.fromEntries(rules.filter((rule) => design.has(rule.id)).map((rule) => [rule.id, rule.defaultSeverity]))).toEqual(
      Object.fromEntries(design),
    );
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

/**
 * Runs a rule's own examples: each bad example must produce exactly its
 * `expect`ed diagnostics of that rule (file, line, column, and endLine /
 * endColumn / message where given), each good example none. Cross-file rules
 * use the same helper: put the rest of the sequence in the example's `files`.
 */
import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../src/config/defaults.js';
import { lintSequence } from '../../src/lint/engine.js';
import type { Diagnostic } from '../../src/lint/diagnostic.js';
import type { Rule, RuleExample } from '../../src/lint/rule.js';
import { parseDirectives } from '../../src/migrations/directives.js';
import { isFileNameError, parseFileName } from '../../src/migrations/filename.js';
import type { MigrationSource } from '../../src/migrations/types.js';

export const EXAMPLE_DIR = '/examples';
export const DEFAULT_EXAMPLE_NAME = '0001_example.up.sql';

export function exampleSource(name: string, sql: string): MigrationSource {
  const parsed = parseFileName(name);
  if (isFileNameError(parsed)) throw new Error(`example file name ${name}: ${parsed.error}`);
  return {
    file: { ...parsed, path: `${EXAMPLE_DIR}/${name}` },
    text: sql,
    checksum: '',
    validUtf8: true,
    directives: parseDirectives(sql),
  };
}

/** Every diagnostic (of any rule) the example produces with `rule` switched on. */
export async function lintExample(rule: Rule, example: RuleExample): Promise<Diagnostic[]> {
  const name = example.name ?? DEFAULT_EXAMPLE_NAME;
  const sources = [exampleSource(name, example.sql), ...(example.files ?? []).map((file) => exampleSource(file.name, file.sql))];
  const base = { ...configDefaults.lint, ...example.config };
  const result = await lintSequence({
    sources,
    rules: [rule],
    config: { ...base, rules: { ...base.rules, [rule.id]: 'error' } },
    schemaName: example.schemaName,
  });
  return result.diagnostics;
}

/** Defines the tests of one rule from its examples. */
export function testRuleExamples(rule: Rule): void {
  describe(rule.id, () => {
    rule.examples.bad.forEach((example, index) => {
      it(`reports bad example ${index + 1}`, async () => {
        const diagnostics = await lintExample(rule, example);
        expect(diagnostics.filter((d) => d.rule === 'syntax-error')).toEqual([]);
        const mainFile = example.name ?? DEFAULT_EXAMPLE_NAME;
        const actual = diagnostics
          .filter((d) => d.rule === rule.id)
          .map((d) => ({ ...d, file: d.file.slice(EXAMPLE_DIR.length + 1) }));
        const expected = example.expect ?? [];
        expect(expected.length, 'a bad example states what it expects').toBeGreaterThan(0);
        expect(actual.map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual(
          expected.map((e) => `${e.file ?? mainFile}:${e.line}:${e.column}`),
        );
        expected.forEach((e, i) => {
          const d = actual[i]!;
          if (e.endLine !== undefined) expect(d.endLine, `endLine of diagnostic ${i + 1}`).toBe(e.endLine);
          if (e.endColumn !== undefined) expect(d.endColumn, `endColumn of diagnostic ${i + 1}`).toBe(e.endColumn);
          if (e.message !== undefined) expect(d.message).toContain(e.message);
          expect(d.message.length).toBeGreaterThan(0);
          expect(d.hint, `diagnostic ${i + 1} says what to write instead`).toBeTruthy();
        });
      });
    });
    rule.examples.good.forEach((example, index) => {
      it(`accepts good example ${index + 1}`, async () => {
        const diagnostics = await lintExample(rule, example);
        expect(diagnostics.filter((d) => d.rule === 'syntax-error' || d.rule === rule.id)).toEqual([]);
      });
    });
  });
}

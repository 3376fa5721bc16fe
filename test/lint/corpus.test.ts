/**
 * The corpus run (issue 3): every project of real migrations lints without a
 * crash, and the only syntax errors are the statements that really are broken.
 * SQLMIG_CORPUS_REPORT=1 prints the findings per rule.
 */
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/lint/diagnostic.js';
import { CORPUS_DIR, corpusProjects, lintProject } from './corpus.js';

/** Files PostgreSQL itself rejects (a missing `;`). */
const KNOWN_BROKEN = ['rust-lang__crates.io/0132_downloads_need_no_id.down.sql'];

describe('corpus', () => {
  it('lints every project; syntax errors only where the SQL is really broken', async () => {
    const all: Diagnostic[] = [];
    for (const project of corpusProjects()) {
      const result = await lintProject(project);
      expect(result.fileCount).toBeGreaterThan(0);
      all.push(...result.diagnostics);
    }
    const syntaxErrors = all
      .filter((d) => d.rule === 'syntax-error')
      .map((d) => `${relative(CORPUS_DIR, d.file)}:${d.line}:${d.column} ${d.message}`);
    expect(syntaxErrors.filter((error) => !KNOWN_BROKEN.some((known) => error.startsWith(known)))).toEqual([]);
    expect(syntaxErrors.some((error) => error.startsWith(KNOWN_BROKEN[0]!))).toBe(true);

    if (process.env.SQLMIG_CORPUS_REPORT) {
      const counts = new Map<string, number>();
      for (const d of all) counts.set(d.rule, (counts.get(d.rule) ?? 0) + 1);
      console.log([...counts].sort().map(([rule, count]) => `${rule}: ${count}`).join('\n'));
      console.log(syntaxErrors.join('\n'));
    }
  }, 60_000);
});

/**
 * ARCHITECTURE.md must not rot: every repository path it names in backticks exists, and every folder
 * and top-level module of src/ is named there, so a newcomer finds each one in one hop.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');

/** Backticked spans that name something in the repository: under one of its folders, or a file at its root. */
function namedPaths(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!);
  const repoPath = /^(?:(?:src|rules|test|bench|scripts)\/[\w./-]*|[A-Za-z][\w-]*\.(?:json|md))$/;
  return [...new Set(spans.filter((span) => repoPath.test(span)))];
}

describe('ARCHITECTURE.md', () => {
  const paths = namedPaths(DOC);

  it('names paths (the extraction found them)', () => {
    expect(paths.length).toBeGreaterThan(100);
  });

  it('names only paths that exist', () => {
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('names every folder and top-level module of src/', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${relative(ROOT, join(entry.parentPath, entry.name))}/`);
    const modules = readdirSync(join(ROOT, 'src')).filter((name) => name.endsWith('.ts')).map((name) => `src/${name}`);
    expect([...folders, ...modules].filter((path) => !paths.includes(path))).toEqual([]);
  });
});

/**
 * Imports point down: cli → runner/lint/verify/reporters → migrations/config/db/parse → errors. Nothing below
 * src/cli imports it, and the runner prints nothing itself (no reporters): it emits events the CLI prints.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const BELOW_CLI = ['runner', 'lint', 'verify', 'dump', 'migrations', 'config', 'db', 'parse'];

/** Known exceptions, each with its reason: `importer → imported` (paths under src/). None today. */
const EXCEPTIONS: Record<string, string> = {};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every module a file imports or re-exports (static and dynamic), as a path under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((match) => match[1]!);
  return specifiers.map((specifier) => relative(src, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts'));
}

function violations(folders: readonly string[], forbidden: RegExp): string[] {
  return folders
    .flatMap((folder) => filesUnder(join(src, folder)))
    .flatMap((file) => importsOf(file).map((imported) => `${relative(src, file)} → ${imported}`))
    .filter((edge) => forbidden.test(edge.split(' → ')[1]!) && !(edge in EXCEPTIONS));
}

describe('import direction', () => {
  it(`nothing under ${BELOW_CLI.join(', ')} imports src/cli`, () => {
    expect(violations(BELOW_CLI, /^cli\//)).toEqual([]);
  });

  it('src/runner imports no reporter', () => {
    expect(violations(['runner'], /^reporters\//)).toEqual([]);
  });

  it('the scan sees imports (static, type-only and dynamic)', () => {
    const edges = filesUnder(join(src, 'runner')).flatMap((file) => importsOf(file).map((imported) => `${relative(src, file)} → ${imported}`));
    expect(edges).toContain('runner/session.ts → runner/lock.ts');
    expect(edges).toContain('runner/replay.ts → parse/index.ts');
    expect(edges).toContain('runner/split.ts → parse/types.ts');
  });
});

/**
 * Import direction for the linter: cli → runner, lint, verify, reporters → migrations, config, db,
 * parse → errors. src/parse and src/lint (with rules/) import nothing above them, the engine takes
 * its rules from the caller (only the lint API entry loads the registry), and there are no cycles.
 * Read from the source text (static, re-export and dynamic imports), so it needs no build.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;

/**
 * What a file imports: repository-relative paths for its own modules, package names for the rest.
 * `runtime`: without `import type` / `export type`, which the compiler erases.
 */
function importsOf(file: string, { runtime = false } = {}): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)]
    .filter((match) => !runtime || !/^\s*(?:import|export)\s+type\s/.test(match[0]))
    .map((match) => {
      const specifier = (match[1] ?? match[2] ?? match[3])!;
      if (!specifier.startsWith('.')) return specifier;
      return relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.js$/, '.ts');
    });
}

const layer = (path: string, dirs: string[]) => dirs.some((dir) => path.startsWith(`${dir}/`));
const own = (path: string) => path.startsWith('src/') || path.startsWith('rules/');
const LINT = [...sourceFiles('src/lint'), ...sourceFiles('rules'), ...sourceFiles('src/parse')];
const graph = new Map(LINT.map((file) => [file, importsOf(file)]));
const runtimeGraph = new Map(LINT.map((file) => [file, importsOf(file, { runtime: true })]));

function offending(files: string[], allowed: (target: string) => boolean): string[] {
  return files.flatMap((file) => graph.get(file)!.filter((target) => !allowed(target)).map((target) => `${file} → ${target}`));
}

describe('import direction of src/parse, src/lint and rules/', () => {
  it('reads the imports of every file (the check below is not vacuous)', () => {
    expect(graph.get('src/lint/engine.ts')).toContain('src/lint/schema.ts');
    expect(graph.get('src/parse/libpg.ts')).toContain('libpg-query');
    expect(graph.get('src/lint/project.ts')).toContain('rules/index.ts');
  });

  it('src/parse imports only itself, src/errors.ts and packages; it alone imports libpg-query', () => {
    expect(offending(sourceFiles('src/parse'), (target) => !own(target) || layer(target, ['src/parse']) || target === 'src/errors.ts')).toEqual([]);
    const outside = [...sourceFiles('src')].filter((file) => !file.startsWith('src/parse/'));
    expect(outside.filter((file) => importsOf(file).includes('libpg-query'))).toEqual([]);
  });

  it('src/lint and rules/ import nothing above them (cli, runner, reporters, verify)', () => {
    const below = ['src/lint', 'rules', 'src/parse', 'src/migrations', 'src/config', 'src/db'];
    const allowed = (target: string) => !own(target) || layer(target, below) || target === 'src/errors.ts' || target === 'src/package-version.ts';
    expect(offending([...sourceFiles('src/lint'), ...sourceFiles('rules')], allowed)).toEqual([]);
  });

  it('only the lint API entry (src/lint/project.ts) loads the rule registry; the engine takes rules from its caller', () => {
    const loaders = [...graph].filter(([file, targets]) => !file.startsWith('rules/') && targets.some((target) => target.startsWith('rules/')));
    expect(loaders.map(([file]) => file)).toEqual(['src/lint/project.ts']);
  });

  // Types may refer to each other (rule.ts's LintFile and schema.ts's SchemaModel); modules may not.
  it('has no import cycles at run time', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of runtimeGraph.get(file) ?? []) if (runtimeGraph.has(target)) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of runtimeGraph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});

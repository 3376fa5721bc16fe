/**
 * The package as users install it: `npm pack` (of the build `npm test` made),
 * the tarball installed into a fresh CommonJS project and a fresh ES module
 * project, then the CLI and the library run from each, and a TypeScript
 * consumer of each kind type-checked. Dependencies come from the npm cache or
 * the registry (--prefer-offline).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const TIMEOUT = 300_000;

let work: string;
let tarball: string;
const projects: Record<'commonjs' | 'module', string> = { commonjs: '', module: '' };

async function sh(command: string, args: string[], cwd: string) {
  // The user's environment, without npm's own variables of the `npm test` that runs this.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
  return run(command, args, { cwd, env: { ...env, SQLMIG_NO_COMPILE_CACHE: '' }, maxBuffer: 16 * 1024 * 1024 });
}

/** Every file below `dir`, with its size and mtime: to see that running sqlmig writes nothing there. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => {
    const stats = statSync(join(dir, name));
    return `${name} ${stats.isFile() ? stats.size : 'dir'} ${stats.mtimeMs}`;
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sqlmig-tarball-'));
  // --ignore-scripts: `npm test` has built dist/ already; prepare would rebuild it under the other test files.
  const { stdout } = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], repoRoot);
  tarball = join(work, (JSON.parse(stdout) as [{ filename: string }])[0].filename);
  await Promise.all(
    (['commonjs', 'module'] as const).map(async (type) => {
      const dir = join(work, type);
      mkdirSync(join(dir, 'sql'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${type}`, private: true, type }));
      writeFileSync(join(dir, 'sql', '0001_create_users.up.sql'), 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n');
      writeFileSync(join(dir, 'sql', '0001_create_users.down.sql'), 'DROP TABLE IF EXISTS users;\n');
      writeFileSync(join(dir, 'sql', '0002_orders.up.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY);\n');
      writeFileSync(join(dir, 'sql', '0002_orders.down.sql'), 'DROP TABLE IF EXISTS orders;\n');
      await sh('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], dir);
      projects[type] = dir;
    }),
  );
}, TIMEOUT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships LICENSE, no source maps and nothing but the build, schema and docs', async () => {
    const { stdout } = await sh('npm', ['pack', '--ignore-scripts', '--dry-run', '--json'], repoRoot);
    const files = (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'schema.json', 'dist/src/index.cjs', 'dist/src/index.d.cts']));
    expect(files.filter((file) => file.endsWith('.map') || !/^(dist\/|LICENSE$|README\.md$|package\.json$|schema\.json$)/.test(file))).toEqual([]);
  });

  describe.each(['commonjs', 'module'] as const)('installed in a fresh %s project', (type) => {
    it('runs the CLI: --version, and lint of a folder (exit 1 on its finding), writing nothing into its install', { timeout: TIMEOUT }, async () => {
      const dir = projects[type];
      const installed = join(dir, 'node_modules', 'sqlmig');
      const before = tree(installed);
      const version = await sh('npx', ['--no-install', 'sqlmig', '--version'], dir);
      expect(version.stdout.trim()).toBe('0.1.0');
      const lint = await sh('npx', ['--no-install', 'sqlmig', 'lint', '--format', 'json'], dir).then(
        () => undefined,
        (error: { code: number; stdout: string }) => error,
      );
      expect(lint?.code).toBe(1);
      const rules = (JSON.parse(lint!.stdout) as { diagnostics: { rule: string; line: number; column: number }[] }).diagnostics.map(
        (d) => `${d.rule}:${d.line}:${d.column}`,
      );
      expect(rules).toContain('require-if-not-exists:1:14');
      expect(tree(installed)).toEqual(before);
    });

    it('runs the library through require() and import()', { timeout: TIMEOUT }, async () => {
      const dir = projects[type];
      const script = `
        const report = (how, api) => api.lint({ cwd: process.cwd(), env: {} }).then((result) =>
          console.log(how, typeof api.migrate, result.errorCount, result.diagnostics.some((d) => d.rule === 'require-if-not-exists')));
        ${type === 'commonjs' ? "report('require', require('sqlmig')).then(() => import('sqlmig')).then((api) => report('import', api));" : "import('sqlmig').then((api) => report('import', api));"}`;
      const file = join(dir, type === 'commonjs' ? 'use.js' : 'use.mjs');
      writeFileSync(file, script);
      const { stdout } = await sh(process.execPath, [file], dir);
      expect(stdout.trim().split('\n')).toEqual(type === 'commonjs' ? ['require function 1 true', 'import function 1 true'] : ['import function 1 true']);
    });

    it('type-checks a TypeScript consumer, and its wrong use fails', { timeout: TIMEOUT }, async () => {
      const dir = projects[type];
      const ext = type === 'commonjs' ? 'cts' : 'mts';
      const importLine = type === 'commonjs' ? "import sqlmig = require('sqlmig');" : "import * as sqlmig from 'sqlmig';";
      writeFileSync(
        join(dir, `good.${ext}`),
        `${importLine}\nexport const errors: Promise<number> = sqlmig.lint({ cwd: '.' }).then((result) => result.errorCount);\nexport const ours = (error: unknown): boolean => error instanceof sqlmig.SqlmigError;\n`,
      );
      writeFileSync(join(dir, `bad.${ext}`), `${importLine}\nexport const wrong: string = sqlmig.lint;\n`);
      const options = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
      const typeRoots = ['--typeRoots', join(repoRoot, 'node_modules', '@types'), '--types', 'node'];
      const good = await sh(process.execPath, [tsc, ...options, ...typeRoots, `good.${ext}`], dir).then(
        () => '',
        (error: { stdout: string }) => error.stdout,
      );
      expect(good).toBe('');
      const bad = await sh(process.execPath, [tsc, ...options, ...typeRoots, `bad.${ext}`], dir).then(
        () => undefined,
        (error: { stdout: string }) => error.stdout,
      );
      expect(bad).toMatch(/bad\.[cm]ts\(2,14\): error TS2322/);
    });
  });
});

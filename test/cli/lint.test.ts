import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { run } from '../../src/cli/run.js';
import type { JsonLintReport } from '../../src/reporters/json.js';
import { fakeIO } from '../helpers/io.js';

const fixture = new URL('../fixtures/lint/project', import.meta.url).pathname;

/** 0001 creates users without IF NOT EXISTS (error at 2:14); 0002 is clean; 0003 drops a table (warning). */
const USERS_UP = 'sql/0001_create_users.up.sql';
const POSTS_UP = 'sql/0002_create_posts.up.sql';
const LEGACY_UP = 'sql/0003_drop_legacy_sessions.up.sql';

let project: string;

beforeEach(async () => {
  project = mkdtempSync(join(tmpdir(), 'sqlmig-lint-'));
  cpSync(fixture, project, { recursive: true });
  // A sum for the files as they are, so only the fixture's own findings show.
  expect(await run(['hash'], fakeIO({ cwd: project }))).toBe(0);
});

afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

async function lint(args: string[], options: { tty?: boolean; cwd?: string } = {}) {
  const io = fakeIO({ cwd: options.cwd ?? project, tty: options.tty });
  const code = await run(['lint', ...args], io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

async function lintJson(args: string[] = []) {
  const { code, stdout, stderr } = await lint(['--format', 'json', ...args]);
  return { code, report: JSON.parse(stdout) as JsonLintReport, stderr };
}

describe('sqlmig lint', () => {
  it('exits 1 on an error and names file, rule, line and column in JSON', async () => {
    const { code, report } = await lintJson();
    expect(code).toBe(1);
    expect(report.fileCount).toBe(6);
    expect(report.diagnostics).toContainEqual({
      file: USERS_UP,
      line: 2,
      column: 14,
      endLine: 2,
      endColumn: 19,
      rule: 'require-if-not-exists',
      severity: 'error',
      message: expect.stringContaining('CREATE TABLE users'),
      hint: expect.any(String),
    });
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ file: LEGACY_UP, rule: 'destructive-change', severity: 'warning' }));
    expect(report.errorCount).toBe(report.diagnostics.filter((d) => d.severity === 'error').length);
    expect(report.warningCount).toBe(report.diagnostics.filter((d) => d.severity === 'warning').length);
  });

  it('reports only on the given files, while still analysing the whole sequence', async () => {
    const clean = await lintJson([POSTS_UP]);
    expect(clean.code).toBe(0);
    expect(clean.report).toEqual({ fileCount: 1, errorCount: 0, warningCount: 0, diagnostics: [] });

    const two = await lintJson([USERS_UP, `./${LEGACY_UP}`]);
    expect(two.code).toBe(1);
    expect(two.report.fileCount).toBe(2);
    expect(new Set(two.report.diagnostics.map((d) => d.file))).toEqual(new Set([USERS_UP, LEGACY_UP]));
  });

  it('exits 0 when only warnings remain', async () => {
    const { code, report } = await lintJson([LEGACY_UP]);
    expect(code).toBe(0);
    expect(report.warningCount).toBeGreaterThan(0);
    expect(report.errorCount).toBe(0);
  });

  it('accepts down files and paths through a symbolic link to the folder', async () => {
    expect((await lintJson(['sql/0001_create_users.down.sql'])).code).toBe(0);
    symlinkSync(join(project, 'sql'), join(project, 'migrations-link'));
    const viaLink = await lintJson(['migrations-link/0001_create_users.up.sql']);
    expect(viaLink.code).toBe(1);
    expect(viaLink.report.diagnostics.map((d) => d.file)).toContain(USERS_UP);
  });

  it('is a usage error (exit 2) for a missing file, a folder, or a file outside the migrations folder', async () => {
    writeFileSync(join(project, 'other.up.sql'), 'SELECT 1;\n');
    mkdirSync(join(project, 'sql', 'nested'));
    const missing = await lint(['sql/0009_missing.up.sql']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('sql/0009_missing.up.sql: no such file');
    const folder = await lint(['sql/nested']);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('not a file');
    const outside = await lint(['other.up.sql']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('other.up.sql is not in the migrations folder sql');
    expect(outside.stdout).toBe('');
  });

  it('pretty by default: code frame, hint and summary, without colors off a TTY', async () => {
    const { code, stdout } = await lint([USERS_UP]);
    expect(code).toBe(1);
    expect(stdout).not.toMatch(/\u001b\[/);
    expect(stdout).toContain(`${USERS_UP}:2:14  error  `);
    expect(stdout).toContain('  > 2 | CREATE TABLE users (id bigint PRIMARY KEY);\n      |              ^^^^^\n  hint: ');
    expect(stdout).toMatch(/✖ \d+ errors?, \d+ warnings? in 1 file\n$/);
  });

  it('colors on a TTY unless NO_COLOR or --no-color', async () => {
    expect((await lint([USERS_UP], { tty: true })).stdout).toMatch(/\u001b\[/);
    expect((await lint(['--no-color', USERS_UP], { tty: true })).stdout).not.toMatch(/\u001b\[/);
    const io = fakeIO({ cwd: project, tty: true, env: { NO_COLOR: '1' } });
    await run(['lint', USERS_UP], io);
    expect(io.stdoutText()).not.toMatch(/\u001b\[/);
  });

  it('FORCE_COLOR colors a pipe too and wins over NO_COLOR; FORCE_COLOR=0 and --no-color turn colors off', async () => {
    const colored = async (env: Record<string, string>, options: { tty?: boolean; args?: string[] } = {}) => {
      const io = fakeIO({ cwd: project, tty: options.tty ?? false, env });
      await run(['lint', ...(options.args ?? []), USERS_UP], io);
      return /\u001b\[/.test(io.stdoutText());
    };
    expect(await colored({ FORCE_COLOR: '1' })).toBe(true);
    expect(await colored({ FORCE_COLOR: '' })).toBe(true);
    expect(await colored({ FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(await colored({ FORCE_COLOR: '0' }, { tty: true })).toBe(false);
    expect(await colored({ FORCE_COLOR: '1' }, { args: ['--no-color'] })).toBe(false);
    expect(await colored({})).toBe(false);
  });

  it('--format github prints workflow commands', async () => {
    const { code, stdout } = await lint(['--format', 'github', USERS_UP]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^::error file=sql\/0001_create_users\.up\.sql,line=2,col=14,endLine=2,endColumn=19,title=require-if-not-exists::CREATE TABLE users .*%0Ahint: /m,
    );
    expect(stdout.trimEnd().split('\n').every((line) => line.startsWith('::error ') || line.startsWith('::warning '))).toBe(true);
  });

  it('--format github prints nothing for clean files', async () => {
    const { code, stdout } = await lint(['--format', 'github', POSTS_UP]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
  });

  it('--format sarif describes every registry rule and locates the results', async () => {
    const { code, stdout } = await lint(['--format', 'sarif']);
    expect(code).toBe(1);
    const log = JSON.parse(stdout);
    expect(log.version).toBe('2.1.0');
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('sqlmig');
    expect(driver.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const rule of rules) expect(driver.rules.map((r: { id: string }) => r.id)).toContain(rule.id);
    expect(log.runs[0].results).toContainEqual(
      expect.objectContaining({
        ruleId: 'require-if-not-exists',
        level: 'error',
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: USERS_UP, uriBaseId: '%SRCROOT%' },
              region: { startLine: 2, startColumn: 14, endLine: 2, endColumn: 19 },
            },
          },
        ],
      }),
    );
  });

  describe('in a subfolder of a git repository (monorepo CI)', () => {
    let repo: string;
    let app: string;

    beforeEach(() => {
      repo = mkdtempSync(join(tmpdir(), 'sqlmig-monorepo-'));
      app = join(repo, 'services', 'api');
      mkdirSync(dirname(app), { recursive: true });
      cpSync(project, app, { recursive: true });
      // A config, so that lint finds the project from its sql folder too.
      writeFileSync(join(app, '.migraterc.json'), '{}');
      execFileSync('git', ['init', '-q', repo]);
    });

    afterEach(() => {
      rmSync(repo, { recursive: true, force: true });
    });

    it('--format github names files relative to the repository root, from any folder of it', async () => {
      for (const cwd of [app, join(app, 'sql')]) {
        const { code, stdout } = await lint(['--format', 'github'], { cwd });
        expect(code).toBe(1);
        expect(stdout).toMatch(/^::error file=services\/api\/sql\/0001_create_users\.up\.sql,line=2,col=14,/m);
      }
    });

    it('--format sarif locates results from %SRCROOT%, the repository root', async () => {
      const { stdout } = await lint(['--format', 'sarif'], { cwd: join(app, 'sql') });
      const run = JSON.parse(stdout).runs[0];
      expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: pathToFileURL(repo).href + '/' } });
      expect(run.results).toContainEqual(
        expect.objectContaining({
          ruleId: 'require-if-not-exists',
          locations: [
            expect.objectContaining({
              physicalLocation: expect.objectContaining({
                artifactLocation: { uri: `services/api/${USERS_UP}`, uriBaseId: '%SRCROOT%' },
              }),
            }),
          ],
        }),
      );
    });

    it('pretty output stays relative to the working directory', async () => {
      const { stdout } = await lint(['--no-color'], { cwd: app });
      expect(stdout).toContain(`${USERS_UP}:2:14`);
      expect(stdout).not.toContain('services/api');
    });
  });

  it('applies severities from .migraterc.json', async () => {
    writeFileSync(
      join(project, '.migraterc.json'),
      JSON.stringify({ lint: { rules: { 'require-if-not-exists': 'warn', 'destructive-change': 'off' } } }),
    );
    const { code, report } = await lintJson();
    expect(code).toBe(0);
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ rule: 'require-if-not-exists', severity: 'warning' }));
    expect(report.diagnostics.map((d) => d.rule)).not.toContain('destructive-change');
  });

  it('lints the folder given with --dir and prints paths relative to the working directory', async () => {
    const name = basename(project);
    const io = fakeIO({ cwd: dirname(project) });
    const code = await run(['lint', '--format', 'json', '--dir', `${name}/sql`, `${name}/${USERS_UP}`], io);
    expect(code).toBe(1);
    const report = JSON.parse(io.stdoutText()) as JsonLintReport;
    expect(report.fileCount).toBe(1);
    expect(report.diagnostics[0]!.file).toBe(`${name}/${USERS_UP}`);
  });

  it('reports a syntax error and still lints the other files', async () => {
    writeFileSync(join(project, 'sql', '0004_broken.up.sql'), 'CREATE TABLE IF NOT EXISTS t (id int;\n');
    writeFileSync(join(project, 'sql', '0004_broken.down.sql'), 'DROP TABLE IF EXISTS t;\n');
    const { code, report } = await lintJson();
    expect(code).toBe(1);
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ file: 'sql/0004_broken.up.sql', rule: 'syntax-error', severity: 'error', line: 1 }),
    );
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ file: USERS_UP, rule: 'require-if-not-exists' }));
  });

  it('reports problems with file names as migration-filename, also on a misnamed file given by name', async () => {
    writeFileSync(join(project, 'sql', '7_Bad-Name.up.sql'), 'SELECT 1;\n');
    const all = await lintJson();
    expect(all.code).toBe(1);
    expect(all.report.diagnostics).toContainEqual(
      expect.objectContaining({ file: 'sql/7_Bad-Name.up.sql', rule: 'migration-filename', severity: 'error', line: 1 }),
    );
    const given = await lintJson(['sql/7_Bad-Name.up.sql']);
    expect(given.code).toBe(1);
    expect(given.report.diagnostics.map((d) => [d.file, d.rule])).toEqual([['sql/7_Bad-Name.up.sql', 'migration-filename']]);
  });

  it('reports a migration edited after sqlmig.sum recorded it', async () => {
    appendFileSync(join(project, POSTS_UP), '-- edited\n');
    const { code, report } = await lintJson([POSTS_UP]);
    expect(code).toBe(1);
    expect(report.diagnostics).toEqual([expect.objectContaining({ file: POSTS_UP, rule: 'edited-migration', severity: 'error' })]);
  });

  it('a missing migrations folder is a configuration error (exit 2)', async () => {
    const { code, stderr } = await lint(['--dir', 'nowhere']);
    expect(code).toBe(2);
    expect(stderr).toContain('the migrations folder does not exist');
  });
});

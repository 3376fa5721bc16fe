import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { fakeIO } from '../helpers/io.js';
import { sharedPath } from '../helpers/shared.js';

const shared = sharedPath();
const native = join(shared, 'corpus-native');
const twins = join(shared, 'corpus');
const work = mkdtempSync(join(tmpdir(), 'sqlmig-import-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `<tool>/<project>` of every project in corpus-native. */
const projects = existsSync(native)
  ? readdirSync(native, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((tool) => readdirSync(join(native, tool.name)).map((project) => ({ tool: tool.name, project })))
  : [];

/** golang-migrate and concourse folders look like sqlmig's, so they are named; every other layout is detected. */
const NAMED = new Set(['golang-migrate', 'concourse-migration']);

/** The sqlmig files of a folder in version order, up before down. */
function ordered(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .map((name) => ({ name, version: BigInt(/^\d+/.exec(name)![0]), down: name.endsWith('.down.sql') }))
    .sort((a, b) => (a.version !== b.version ? (a.version < b.version ? -1 : 1) : Number(a.down) - Number(b.down)))
    .map((file) => file.name);
}

async function sqlmig(args: string[], cwd = work) {
  const io = fakeIO({ cwd });
  const code = await run(args, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe('import of every corpus-native project', () => {
  it('finds the corpus', () => {
    expect(projects.length, `no projects under ${native}`).toBe(14);
  });

  for (const { tool, project } of projects) {
    it(`${tool}/${project} gives files byte-identical to its twin in ../shared/corpus`, async () => {
      const to = join(work, project);
      const from = NAMED.has(tool) ? ['--from', tool] : [];
      const result = await sqlmig(['import', join(native, tool, project), ...from, '--to', to]);
      expect(result.stdout).toContain(`imported`);
      expect(result.stdout).toContain(` ${tool} migrations`);
      // concourse's Go migrations leave SQL downs without their up: listed, exit 1.
      expect(result.code).toBe(tool === 'concourse-migration' ? 1 : 0);
      const imported = ordered(to);
      const twin = ordered(join(twins, project));
      expect(imported.length).toBe(twin.length);
      imported.forEach((name, index) => {
        const twinName = twin[index]!;
        expect(name.endsWith('.down.sql'), `${name} / ${twinName}`).toBe(twinName.endsWith('.down.sql'));
        expect(readFileSync(join(to, name)).equals(readFileSync(join(twins, project, twinName))), `${name} differs from ${twinName}`).toBe(true);
      });
      // sqlmig.sum is written and agrees with the files.
      expect(existsSync(join(to, 'sqlmig.sum'))).toBe(true);
      expect((await sqlmig(['lint', '--dir', to, '--format', 'json', '--no-cache'])).stdout).not.toContain('edited-migration');
    }, 60_000);
  }
});

describe('import refuses and reports', () => {
  it('lists what it did not convert and exits 1 for it', async () => {
    const from = mkdtempSync(join(work, 'goose-'));
    writeFileSync(join(from, '1_a.sql'), '-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n');
    writeFileSync(join(from, '2_code.go'), 'package migrations\n');
    const result = await sqlmig(['import', from, '--to', join(from, 'out')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/not converted, needs you \(1\):\n {2}.*2_code\.go: a goose Go migration \(code\)/);
    expect(readFileSync(join(from, 'out', '1_a.down.sql'), 'utf8')).toBe('DROP TABLE a;\n');
  });

  it('exits 2 for an unknown --from, a sqlmig-looking folder without --from, and a target holding migrations', async () => {
    const from = mkdtempSync(join(work, 'gm-'));
    writeFileSync(join(from, '0001_a.up.sql'), 'SELECT 1;\n');
    const unknown = await sqlmig(['import', from, '--from', 'gose']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "goose"?');
    const guessed = await sqlmig(['import', from, '--to', join(from, 'x')]);
    expect(guessed.code).toBe(2);
    expect(guessed.stderr).toContain("looks like sqlmig's own layout");
    const into = await sqlmig(['import', from, '--from', 'golang-migrate', '--to', from]);
    expect(into.code).toBe(2);
  });
});

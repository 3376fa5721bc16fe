import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import type { JsonLintReport } from '../../src/reporters/json.js';
import { fakeIO } from '../helpers/io.js';
import { sharedPath } from '../helpers/shared.js';

const shared = sharedPath();
const native = join(shared, 'corpus-native');
const twins = join(shared, 'corpus');

/** golang-migrate and concourse folders look like sqlmig's, so they are named; every other layout is detected. */
const NAMED = new Set(['golang-migrate', 'concourse-migration']);
/** Layouts whose template filling changes columns on the lines it fills. */
const TEMPLATED = new Set(['pop', 'rivermigrate']);
const NO_TRANSACTION_LINE = '-- sqlmig:no-transaction\n';
/** Messages name files (the twin's sqlmig names, the tool's own names in place): compared without them. */
const FILE_NAME = /[^\s"`]+\.sql\b/g;

const projects = existsSync(native)
  ? readdirSync(native, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((tool) => readdirSync(join(native, tool.name)).map((project) => ({ tool: tool.name, project })))
  : [];

/** File (relative to the corpus) → `<repo> <original path>`, from a SOURCES.tsv. */
function sources(corpus: string): Map<string, string> {
  const rows = readFileSync(join(corpus, 'SOURCES.tsv'), 'utf8').trim().split('\n').slice(1);
  return new Map(rows.map((row) => row.split('\t')).map((cells) => [cells[0]!, `${cells[1]} ${cells[3]}`]));
}
const twinFiles = existsSync(twins) ? sources(twins) : new Map<string, string>();
const nativeFiles = existsSync(native) ? new Map([...sources(native)].map(([file, key]) => [key, file])) : new Map<string, string>();

/**
 * Where a twin's line is in its native file, found independently of sqlmig's layouts: the twin's
 * text (without the added no-transaction line) is looked up in the native file (a goose section),
 * and an added no-transaction line shifts every line by one.
 */
function nativePlace(twinFile: string): { file: string; offset: number; marker: number } {
  const nativeFile = nativeFiles.get(twinFiles.get(twinFile) ?? '');
  if (!nativeFile) throw new Error(`no native file for ${twinFile}`);
  const twinText = readFileSync(join(twins, twinFile), 'utf8');
  const marker = twinText.startsWith(NO_TRANSACTION_LINE) ? 1 : 0;
  const body = marker ? twinText.slice(NO_TRANSACTION_LINE.length) : twinText;
  const nativeText = readFileSync(join(native, nativeFile), 'utf8');
  const at = nativeText.indexOf(body);
  const linesBefore = at > 0 ? nativeText.slice(0, at).split('\n').length - 1 : 0;
  return { file: join('corpus-native', nativeFile), offset: linesBefore - marker, marker };
}

async function lintJson(args: string[]): Promise<JsonLintReport> {
  const io = fakeIO({ cwd: shared });
  const code = await run(['lint', '--format', 'json', '--no-cache', ...args], io);
  expect(code, io.stderrText()).toBeLessThanOrEqual(1);
  return JSON.parse(io.stdoutText()) as JsonLintReport;
}

describe('lint in place: every corpus-native project gives its twin findings at the original file and line', () => {
  it('finds the corpus', () => {
    expect(projects.length, `no projects under ${native}`).toBe(14);
  });

  for (const { tool, project } of projects) {
    it(`${tool}/${project}`, async () => {
      const layout = NAMED.has(tool) ? ['--layout', tool] : [];
      const inPlace = await lintJson(['--dir', join(native, tool, project), ...layout]);
      const twin = await lintJson(['--dir', join(twins, project)]);
      const key = (d: { file: string; line: number; column: number; rule: string; message: string }) =>
        `${d.file}:${d.line}${TEMPLATED.has(tool) ? '' : `:${d.column}`} ${d.rule} ${d.message.replace(FILE_NAME, '<file>')}`;
      const places = new Map<string, { file: string; offset: number; marker: number }>();
      const expected = twin.diagnostics
        // The twin has no sqlmig.sum; lint in place keeps one of its own for the converted files.
        .filter((d) => !(d.rule === 'edited-migration' && d.message.startsWith('there is no sqlmig.sum')))
        .map((d) => {
          const twinFile = d.file.slice('corpus/'.length);
          if (!places.has(twinFile)) places.set(twinFile, nativePlace(twinFile));
          const place = places.get(twinFile)!;
          // The added no-transaction line has no line of its own in the tool's file: its findings go to the section's first line.
          const line = d.line <= place.marker ? 1 + place.offset + place.marker : d.line + place.offset;
          return key({ ...d, file: place.file, line: Math.max(1, line) });
        })
        .sort();
      const found = inPlace.diagnostics.map(key).sort();
      expect(found.length).toBeGreaterThan(0);
      expect(found).toEqual(expected);
    }, 120_000);
  }
});

describe('lint in place on a small goose folder', () => {
  it('reports a down section finding at its line in the file, names the tool file in messages, and lists what it did not lint', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sqlmig-goose-lint-'));
    try {
      writeFileSync(join(dir, '1_users.sql'), '-- +goose Up\nCREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n\n-- +goose Down\nSELECT 1;\nDROP TABLE users;\n');
      writeFileSync(join(dir, '2_backfill.go'), 'package migrations\n');
      const io = fakeIO({ cwd: dir });
      const code = await run(['lint', '--format', 'json', '--no-cache', '--dir', '.'], io);
      expect(code).toBe(1);
      const report = JSON.parse(io.stdoutText()) as JsonLintReport;
      expect(report.diagnostics.find((d) => d.rule === 'require-if-exists')).toMatchObject({ file: '1_users.sql', line: 6, column: 1 });
      expect(io.stderrText()).toContain('not linted: 2_backfill.go: a goose Go migration (code): convert it to SQL by hand');
      // Files, --since and --staged name sqlmig files: a usage error in place.
      expect(await run(['lint', '--dir', '.', '1_users.sql'], fakeIO({ cwd: dir }))).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

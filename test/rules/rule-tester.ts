/**
 * Runs a rule's own examples: each bad example must produce exactly its
 * `expect`ed diagnostics of that rule (file, line, column, and endLine /
 * endColumn / message where given), each good example none. Cross-file rules
 * use the same helper: put the rest of the sequence in the example's `files`.
 * Each example is written to a folder of its own and linted as `sqlmig lint`
 * lints one, so file names and sqlmig.sum are checked too.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/types.js';
import type { Diagnostic } from '../../src/lint/diagnostic.js';
import { lintProject } from '../../src/lint/project.js';
import type { ExampleFile, Rule, RuleExample } from '../../src/lint/rule.js';
import { parseDirectives } from '../../src/migrations/directives.js';
import { isFileNameError, parseFileName } from '../../src/migrations/filename.js';
import { dumpHeader, migrationsDigest } from '../../src/migrations/dump-origin.js';
import { SUM_FILE_NAME, computeSum } from '../../src/migrations/sum.js';
import type { MigrationSource } from '../../src/migrations/types.js';

const EXAMPLE_DIR = '/examples';
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
    size: Buffer.byteLength(sql),
  };
}

/** Every diagnostic (of any rule) the example produces with `rule` switched on; `file` is relative to the example's folder. */
export async function lintExample(rule: Rule, example: RuleExample): Promise<Diagnostic[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sqlmig-example-'));
  try {
    const files: ExampleFile[] = [{ name: example.name ?? DEFAULT_EXAMPLE_NAME, sql: example.sql }, ...(example.files ?? [])];
    for (const file of files) await writeFile(join(dir, file.name), file.sql);
    if (example.sum !== undefined) await writeFile(join(dir, SUM_FILE_NAME), sumText(example.sum));
    const schemaDump = example.schemaDump === undefined ? null : join(dir, SCHEMA_DUMP_NAME);
    if (typeof example.schemaDump === 'string') await writeFile(join(dir, SCHEMA_DUMP_NAME), schemaDumpText(example.schemaDump, files));
    const lint = { ...configDefaults.lint, ...example.config };
    const config: Config = {
      ...configDefaults,
      configFile: null,
      root: dir,
      dir,
      dumpSchema: schemaDump,
      databaseUrl: null,
      schema: example.schemaName ?? configDefaults.schema,
      lint: { ...lint, rules: { ...lint.rules, [rule.id]: 'error' }, knownTables: [...lint.knownTables], statusColumns: [...lint.statusColumns] },
      environments: {},
      environment: null,
    };
    const result = await lintProject({ config, rules: [rule] });
    return result.diagnostics.map((diagnostic) => ({ ...diagnostic, file: relative(dir, diagnostic.file) }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The schema dump of examples that have one (`dumpSchema`), beside their migrations. */
const SCHEMA_DUMP_NAME = 'schema.sql';

/** The example's dump text, `{{origin}}` replaced by the origin line a dump of its up files records. */
function schemaDumpText(text: string, files: readonly ExampleFile[]): string {
  const upFiles = files.flatMap((file) => {
    const match = /^(\d+)_.*\.up\.sql$/.exec(file.name);
    return match ? [{ version: Number(match[1]), fileName: file.name, checksum: createHash('sha256').update(file.sql).digest('hex') }] : [];
  });
  const origin = migrationsDigest(upFiles);
  return text.replace('{{origin}}', dumpHeader(origin, '.').split('\n').at(-1)!);
}

/** sqlmig.sum as `sqlmig hash` wrote it for these file contents, or the literal text. */
function sumText(sum: readonly ExampleFile[] | string): string {
  if (typeof sum === 'string') return sum;
  return computeSum(
    sum.map((file) => ({ file: { fileName: file.name }, checksum: createHash('sha256').update(file.sql).digest('hex') })),
  );
}

/** Defines the tests of one rule from its examples. */
export function testRuleExamples(rule: Rule): void {
  describe(rule.id, () => {
    rule.examples.bad.forEach((example, index) => {
      it(`reports bad example ${index + 1}`, async () => {
        const diagnostics = await lintExample(rule, example);
        expect(diagnostics.filter((d) => d.rule === 'syntax-error')).toEqual([]);
        const mainFile = example.name ?? DEFAULT_EXAMPLE_NAME;
        const actual = diagnostics.filter((d) => d.rule === rule.id);
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
          // A finding about a lock on the example's table names that table, so `lint --url` can weigh the finding by that table's size.
          if (example.effect?.lock) expect(d.table?.name, `table of diagnostic ${i + 1}`).toBe(example.effect.table);
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

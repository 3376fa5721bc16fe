import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { run } from '../../src/cli/run.js';
import type { RuleListEntry } from '../../src/reporters/rules.js';
import { fakeIO } from '../helpers/io.js';

let project: string;

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'sqlmig-rules-'));
});

afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

async function sqlmig(args: string[]) {
  const io = fakeIO({ cwd: project });
  const code = await run(args, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

function writeConfig(ruleSettings: Record<string, string>) {
  writeFileSync(join(project, '.migraterc.json'), JSON.stringify({ lint: { rules: ruleSettings } }));
}

describe('sqlmig rules', () => {
  it('lists every rule of the registry with its default severity and description', async () => {
    const { code, stdout } = await sqlmig(['rules']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RULE +DEFAULT +DESCRIPTION$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(rules.map((rule) => rule.id));
    for (const rule of rules) {
      expect(stdout).toMatch(new RegExp(`^${rule.id} +${rule.defaultSeverity} +${escape(rule.description)}$`, 'm'));
    }
  });

  it('adds the effective severity when a config exists', async () => {
    const rule = rules.find((candidate) => candidate.defaultSeverity === 'error')!;
    writeConfig({ [rule.id]: 'warn' });
    const { code, stdout } = await sqlmig(['rules']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^RULE +DEFAULT +EFFECTIVE +DESCRIPTION$/);
    expect(stdout).toMatch(new RegExp(`^${rule.id} +error +warn +`, 'm'));
  });

  it('--format json prints an array of id, default and effective severity, description', async () => {
    const rule = rules.find((candidate) => candidate.defaultSeverity === 'off')!;
    writeConfig({ [rule.id]: 'error' });
    const { code, stdout } = await sqlmig(['--format', 'json', 'rules']);
    expect(code).toBe(0);
    const entries = JSON.parse(stdout) as RuleListEntry[];
    expect(entries.map((entry) => entry.id)).toEqual(rules.map((candidate) => candidate.id));
    expect(entries).toContainEqual({ id: rule.id, defaultSeverity: 'off', severity: 'error', description: rule.description });
  });

  it('rejects formats meant for lint', async () => {
    const { code, stderr } = await sqlmig(['--format', 'sarif', 'rules']);
    expect(code).toBe(2);
    expect(stderr).toContain('prints pretty or json');
  });

  it('an invalid config is a configuration error (exit 2)', async () => {
    writeFileSync(join(project, '.migraterc.json'), '{ "lint": ');
    expect((await sqlmig(['rules'])).code).toBe(2);
  });
});

describe('sqlmig explain', () => {
  it("prints the rule's description, severity, rationale and its examples", async () => {
    const rule = rules.find((candidate) => candidate.id === 'require-if-not-exists')!;
    const { code, stdout } = await sqlmig(['explain', rule.id]);
    expect(code).toBe(0);
    expect(stdout).toContain(`require-if-not-exists: ${rule.description}\nseverity: error (default)\n`);
    expect(stdout).toContain('\nWhy\n  SOP "safe re-runs"');
    expect(stdout).toContain(`Bad\n  ${rule.examples.bad[0]!.sql}`);
    expect(stdout).toContain(`Good\n  ${rule.examples.good[0]!.sql}`);
  });

  it('shows the severity the config sets', async () => {
    writeConfig({ 'require-if-not-exists': 'warn' });
    const { stdout } = await sqlmig(['explain', 'require-if-not-exists']);
    expect(stdout).toContain('severity: warn (set in the config; default error)');
  });

  it('heads examples whose file matters with the file names', async () => {
    const rule = rules.find((candidate) => [...candidate.examples.bad, ...candidate.examples.good].some((example) => example.files?.length))!;
    const example = [...rule.examples.bad, ...rule.examples.good].find((candidate) => candidate.files?.length)!;
    const { stdout } = await sqlmig(['explain', rule.id]);
    for (const file of example.files!) expect(stdout).toContain(`  -- ${file.name}\n`);
  });

  it('an unknown rule is a usage error (exit 2) that suggests the closest id', async () => {
    const typo = await sqlmig(['explain', 'require-if-exist']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('error: unknown rule "require-if-exist"');
    expect(typo.stderr).toContain('did you mean "require-if-exists"?');
    expect(typo.stdout).toBe('');

    const part = await sqlmig(['explain', 'varchar']);
    expect(part.code).toBe(2);
    expect(part.stderr).toContain('did you mean "status-column-varchar"?');

    const unrelated = await sqlmig(['explain', 'zzz']);
    expect(unrelated.code).toBe(2);
    expect(unrelated.stderr).not.toContain('did you mean');
    expect(unrelated.stderr).toContain('`sqlmig rules` lists every rule');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { describe, expect, it } from 'vitest';
import type { RuleInfo } from '../../src/reporters/rule-info.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { cwd, diagnostic, lintResult, mixedResult } from './fixtures.js';

const rules: RuleInfo[] = [
  {
    id: 'require-if-exists',
    defaultSeverity: 'error',
    description: 'DROP … without IF EXISTS',
    rationale: 'SOP: safe re-runs.',
    examples: { bad: [{ sql: 'DROP TABLE t;' }], good: [{ sql: 'DROP TABLE IF EXISTS t;' }] },
  },
  {
    id: 'require-if-not-exists',
    defaultSeverity: 'error',
    description: 'CREATE … without IF NOT EXISTS',
    rationale: 'SOP: safe re-runs.',
    examples: { bad: [{ sql: 'CREATE TABLE t (id int);\n' }], good: [{ sql: 'CREATE TABLE IF NOT EXISTS t (id int);' }] },
  },
  {
    id: 'schema-qualified',
    defaultSeverity: 'off',
    description: 'unqualified names',
    rationale: 'SOP: schema prefix.',
    examples: { bad: [{ sql: 'CREATE TABLE t ();' }], good: [{ sql: 'CREATE TABLE app.t ();' }] },
  },
  {
    id: 'status-column-varchar',
    defaultSeverity: 'warn',
    description: 'status column not VARCHAR(255)',
    rationale: 'SOP: VARCHAR(255) for status columns.',
    examples: { bad: [{ sql: 'ALTER TABLE t ADD COLUMN status text;' }], good: [{ sql: 'ALTER TABLE t ADD COLUMN status varchar(255);' }] },
  },
];

function sarif(result = mixedResult()) {
  return JSON.parse(formatSarif(result, { cwd, color: true, rules, toolVersion: '1.2.3' }));
}

describe('formatSarif', () => {
  it('is a SARIF 2.1.0 log with one run of the sqlmig driver', () => {
    const log = sarif();
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'sqlmig', version: '1.2.3', informationUri: expect.stringMatching(/^https:\/\//) });
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///project/');
  });

  it('describes every rule with descriptions, help text and markdown, and its default level', () => {
    const driverRules = sarif().runs[0].tool.driver.rules;
    expect(driverRules.map((rule: { id: string }) => rule.id)).toEqual(rules.map((rule) => rule.id));
    expect(driverRules[1]).toEqual({
      id: 'require-if-not-exists',
      shortDescription: { text: 'CREATE … without IF NOT EXISTS' },
      fullDescription: { text: 'SOP: safe re-runs.' },
      help: {
        text: 'SOP: safe re-runs.\n\nBad:\nCREATE TABLE t (id int);\n\nGood:\nCREATE TABLE IF NOT EXISTS t (id int);',
        markdown:
          'SOP: safe re-runs.\n\n**Bad**\n\n```sql\nCREATE TABLE t (id int);\n```\n\n**Good**\n\n```sql\nCREATE TABLE IF NOT EXISTS t (id int);\n```',
      },
      defaultConfiguration: { level: 'error' },
    });
    expect(driverRules[2].defaultConfiguration).toEqual({ level: 'none', enabled: false });
    expect(driverRules[3].defaultConfiguration).toEqual({ level: 'warning' });
  });

  it('locates each result by a relative URI under %SRCROOT% and a region', () => {
    const results = sarif().runs[0].results;
    expect(results).toHaveLength(3);
    expect(results[1]).toEqual({
      ruleId: 'require-if-not-exists',
      ruleIndex: 1,
      level: 'error',
      message: { text: 'ADD COLUMN without IF NOT EXISTS\nhint: write ADD COLUMN IF NOT EXISTS status' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'sql/0002_add_status.up.sql', uriBaseId: '%SRCROOT%' },
            region: { startLine: 3, startColumn: 3, endLine: 3, endColumn: 26 },
          },
        },
      ],
    });
    expect(results[2]).toMatchObject({ ruleId: 'status-column-varchar', ruleIndex: 3, level: 'warning' });
  });

  it('adds a descriptor for findings outside the registry, such as syntax errors', () => {
    const log = sarif(lintResult([diagnostic({ rule: 'syntax-error', message: 'syntax error at or near "TABEL"', hint: undefined })]));
    const driverRules = log.runs[0].tool.driver.rules;
    expect(driverRules.at(-1)).toEqual({ id: 'syntax-error', shortDescription: { text: 'syntax-error' }, defaultConfiguration: { level: 'error' } });
    expect(log.runs[0].results[0].ruleIndex).toBe(driverRules.length - 1);
  });

  it('percent-encodes file names in URIs', () => {
    const log = sarif(lintResult([diagnostic({ file: '/project/sql/0001 new#1.up.sql' })]));
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('sql/0001%20new%231.up.sql');
  });

  it('fences examples that contain backticks with a longer fence', () => {
    const withTicks: RuleInfo = { ...rules[0]!, examples: { bad: [{ sql: 'SELECT "```";' }], good: [] } };
    const log = JSON.parse(formatSarif(lintResult([]), { cwd, color: false, rules: [withTicks], toolVersion: '1.0.0' }));
    expect(log.runs[0].tool.driver.rules[0].help.markdown).toContain('````sql\nSELECT "```";\n````');
  });
});

import { describe, expect, it } from 'vitest';
import type { RuleInfo } from '../../src/reporters/rule-info.js';
import { formatRuleExplanation, formatRuleTable, ruleListEntries } from '../../src/reporters/rules.js';
import { ANSI } from './fixtures.js';

const rules: RuleInfo[] = [
  {
    id: 'destructive-change',
    defaultSeverity: 'warn',
    description: 'DROP TABLE/COLUMN, TRUNCATE, DELETE/UPDATE without WHERE',
    rationale: 'SOP: two-phase drops.\nDrop in a later release.',
    examples: {
      bad: [{ sql: 'DROP TABLE users;\n' }],
      good: [{ sql: 'ALTER TABLE users RENAME TO users_old;' }, { sql: '-- nothing\nSELECT 1;' }],
    },
  },
  {
    id: 'require-down',
    defaultSeverity: 'error',
    description: 'an up file with no down file',
    rationale: 'SOP: always include downgrade.',
    examples: { bad: [{ sql: 'CREATE TABLE t ();' }], good: [{ sql: 'CREATE TABLE t ();' }] },
  },
  {
    id: 'schema-qualified',
    defaultSeverity: 'off',
    description: 'unqualified object names',
    rationale: 'SOP: schema prefix.',
    examples: { bad: [], good: [] },
  },
];

describe('formatRuleTable', () => {
  it('without a config: id, default severity and description in aligned columns', () => {
    expect(formatRuleTable(rules, { color: false })).toBe(
      [
        'RULE                DEFAULT  DESCRIPTION',
        'destructive-change  warn     DROP TABLE/COLUMN, TRUNCATE, DELETE/UPDATE without WHERE',
        'require-down        error    an up file with no down file',
        'schema-qualified    off      unqualified object names',
      ].join('\n'),
    );
  });

  it('with a config: the effective severity too', () => {
    expect(formatRuleTable(rules, { color: false, configured: { 'schema-qualified': 'error' } })).toBe(
      [
        'RULE                DEFAULT  EFFECTIVE  DESCRIPTION',
        'destructive-change  warn     warn       DROP TABLE/COLUMN, TRUNCATE, DELETE/UPDATE without WHERE',
        'require-down        error    error      an up file with no down file',
        'schema-qualified    off      error      unqualified object names',
      ].join('\n'),
    );
  });

  it('colors severities only when asked, keeping the columns aligned', () => {
    expect(formatRuleTable(rules, { color: false, configured: {} })).not.toMatch(ANSI);
    const colored = formatRuleTable(rules, { color: true });
    expect(colored).toContain('\u001b[31merror\u001b[39m    an up file');
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(formatRuleTable(rules, { color: false }));
  });
});

describe('ruleListEntries', () => {
  it('lists default and effective severity per rule', () => {
    expect(ruleListEntries(rules, { 'require-down': 'warn' })).toEqual([
      { id: 'destructive-change', defaultSeverity: 'warn', severity: 'warn', description: rules[0]!.description },
      { id: 'require-down', defaultSeverity: 'error', severity: 'warn', description: rules[1]!.description },
      { id: 'schema-qualified', defaultSeverity: 'off', severity: 'off', description: rules[2]!.description },
    ]);
  });
});

describe('formatRuleExplanation', () => {
  it('prints the severity, description, rationale and every bad and good example', () => {
    expect(formatRuleExplanation(rules[0]!, { color: false })).toBe(
      [
        'destructive-change: DROP TABLE/COLUMN, TRUNCATE, DELETE/UPDATE without WHERE',
        'severity: warn (default)',
        '',
        'Why',
        '  SOP: two-phase drops.',
        '  Drop in a later release.',
        '',
        'Bad',
        '  DROP TABLE users;',
        '',
        'Good',
        '  ALTER TABLE users RENAME TO users_old;',
        '',
        'Good',
        '  -- nothing',
        '  SELECT 1;',
      ].join('\n'),
    );
  });

  it('names a severity set in the config and the default it replaces', () => {
    const output = formatRuleExplanation(rules[1]!, { color: false, configured: { 'require-down': 'warn' } });
    expect(output.split('\n')[1]).toBe('severity: warn (set in the config; default error)');
    expect(formatRuleExplanation(rules[1]!, { color: true })).toMatch(ANSI);
    expect(formatRuleExplanation(rules[1]!, { color: false })).not.toMatch(ANSI);
  });
});

import { describe, expect, it } from 'vitest';
import { exampleText, type RuleInfo } from '../../src/reporters/rule-info.js';
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

  it('wraps the rationale at 78 columns without breaking words', () => {
    const rationale = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const output = formatRuleExplanation({ ...rules[1]!, rationale }, { color: false });
    const why = output.split('\n\n')[1]!.split('\n').slice(1);
    expect(why.length).toBeGreaterThan(1);
    for (const line of why) expect(line.length).toBeLessThanOrEqual(80);
    expect(why.map((line) => line.trim()).join(' ')).toBe(rationale);
  });

  it('names a severity set in the config and the default it replaces', () => {
    const output = formatRuleExplanation(rules[1]!, { color: false, configured: { 'require-down': 'warn' } });
    expect(output.split('\n')[1]).toBe('severity: warn (set in the config; default error)');
    expect(formatRuleExplanation(rules[1]!, { color: true })).toMatch(ANSI);
    expect(formatRuleExplanation(rules[1]!, { color: false })).not.toMatch(ANSI);
  });
});

describe('exampleText', () => {
  it('is the SQL alone when the file does not matter', () => {
    expect(exampleText({ sql: 'DROP TABLE t;\n' })).toBe('DROP TABLE t;');
  });

  it('heads each file with its name, in the order sqlmig runs them', () => {
    expect(
      exampleText({
        sql: 'DROP TABLE IF EXISTS a;',
        name: '0001_a.down.sql',
        files: [
          { name: '10_b.up.sql', sql: 'CREATE TABLE IF NOT EXISTS b ();' },
          { name: 'notes.sql', sql: 'SELECT 1;' },
          { name: '0001_a.up.sql', sql: 'CREATE TABLE IF NOT EXISTS a ();' },
          { name: '0002_c.up.sql', sql: 'CREATE TABLE IF NOT EXISTS c ();' },
        ],
      }),
    ).toBe(
      [
        '-- 0001_a.up.sql\nCREATE TABLE IF NOT EXISTS a ();',
        '-- 0001_a.down.sql\nDROP TABLE IF EXISTS a;',
        '-- 0002_c.up.sql\nCREATE TABLE IF NOT EXISTS c ();',
        '-- 10_b.up.sql\nCREATE TABLE IF NOT EXISTS b ();',
        '-- notes.sql\nSELECT 1;',
      ].join('\n\n'),
    );
    expect(exampleText({ sql: 'DROP TABLE t;', name: '0001_t.down.sql' })).toBe('-- 0001_t.down.sql\nDROP TABLE t;');
  });

  it('starts with the configuration the example needs', () => {
    expect(exampleText({ sql: 'CREATE TABLE t (phase text);', config: { statusColumns: ['phase'] }, schemaName: 'app' })).toBe(
      '-- .migraterc.json: {"schema":"app","lint":{"statusColumns":["phase"]}}\nCREATE TABLE t (phase text);',
    );
  });
});

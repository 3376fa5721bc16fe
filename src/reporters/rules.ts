import picocolors from 'picocolors';
import type { RuleSetting } from '../config/types.js';
import { exampleText, type ExampleEffect, type RuleExample, type RuleInfo } from './rule-info.js';

export interface RuleDocOptions {
  color: boolean;
  /** `lint.rules` of the config; undefined when there is no config file (the table then leaves out the effective column). */
  configured?: Readonly<Record<string, RuleSetting>>;
}

/** A rule's severity after the config: its `lint.rules` entry, else its default. */
function effectiveSeverity(rule: RuleInfo, configured: Readonly<Record<string, RuleSetting>> = {}): RuleSetting {
  return configured[rule.id] ?? rule.defaultSeverity;
}

/** `sqlmig rules --format json`: one object per rule. */
export interface RuleListEntry {
  id: string;
  defaultSeverity: RuleSetting;
  severity: RuleSetting;
  description: string;
}

export function ruleListEntries(rules: readonly RuleInfo[], configured?: Readonly<Record<string, RuleSetting>>): RuleListEntry[] {
  return rules.map((rule) => ({
    id: rule.id,
    defaultSeverity: rule.defaultSeverity,
    severity: effectiveSeverity(rule, configured),
    description: rule.description,
  }));
}

/** `sqlmig rules`: a table of id, default severity, effective severity (with a config) and description. */
export function formatRuleTable(rules: readonly RuleInfo[], options: RuleDocOptions): string {
  const colors = picocolors.createColors(options.color);
  const paint = severityPainter(colors);
  const withConfig = options.configured !== undefined;
  const header = withConfig ? ['RULE', 'DEFAULT', 'EFFECTIVE', 'DESCRIPTION'] : ['RULE', 'DEFAULT', 'DESCRIPTION'];
  const rows = ruleListEntries(rules, options.configured).map((entry) =>
    withConfig ? [entry.id, entry.defaultSeverity, entry.severity, entry.description] : [entry.id, entry.defaultSeverity, entry.description],
  );
  // Every column but the last is padded to its widest cell; padding is added outside the color codes.
  const widths = header.slice(0, -1).map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const render = (cells: string[], style: (cell: string, column: number) => string) =>
    cells.map((cell, column) => style(cell, column) + (column < widths.length ? ' '.repeat(widths[column]! - cell.length) : '')).join('  ');
  const severityColumns = withConfig ? [1, 2] : [1];
  return [
    render(header, (cell) => colors.bold(cell)),
    ...rows.map((row) => render(row, (cell, column) => (severityColumns.includes(column) ? paint(cell) : cell))),
  ].join('\n');
}

/** `sqlmig explain <rule>`: severity, description, rationale, bad and good examples. */
export function formatRuleExplanation(rule: RuleInfo, options: RuleDocOptions): string {
  const colors = picocolors.createColors(options.color);
  const paint = severityPainter(colors);
  const severity = effectiveSeverity(rule, options.configured);
  const severityText =
    options.configured?.[rule.id] === undefined
      ? `${paint(severity)} (default)`
      : `${paint(severity)} (set in the config; default ${paint(rule.defaultSeverity)})`;
  const examples = (title: string, list: readonly RuleExample[], style: (text: string) => string) =>
    list.map((example) => {
      const effect = example.effect ? ` ${colors.dim(`— on a table with rows: ${effectText(example.effect)}`)}` : '';
      return `${colors.bold(title)}${effect}\n${indent(exampleText(example), style)}`;
    });
  return [
    `${colors.bold(rule.id)}: ${rule.description}\nseverity: ${severityText}`,
    `${colors.bold('Why')}\n${indent(wrap(rule.rationale.trim(), RATIONALE_WIDTH))}`,
    ...examples('Bad', rule.examples.bad, colors.red),
    ...examples('Good', rule.examples.good, colors.green),
  ].join('\n\n');
}

/** What a lock rule's example does to a table with rows, as test/rules/locks.test.ts checks it on PostgreSQL. */
function effectText(effect: ExampleEffect): string {
  if (effect.error !== undefined) return `fails (SQLSTATE ${effect.error})`;
  const parts: string[] = [];
  if (effect.lock === null) parts.push(`no lock on ${effect.table} that blocks anything`);
  else {
    // `ShareRowExclusiveLock` → `SHARE ROW EXCLUSIVE`.
    const mode = effect.lock.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
    const blocks =
      effect.lock === 'AccessExclusiveLock' ? 'blocks reads and writes' : /^(Share|ShareRowExclusive|Exclusive)Lock$/.test(effect.lock) ? 'blocks writes' : 'blocks neither reads nor writes';
    parts.push(`${mode} lock on ${effect.table} (${blocks})`);
  }
  if (effect.scan) parts.push('reads every row');
  if (effect.rewrite) parts.push('rewrites the table');
  if (effect.lock !== null && !effect.scan && !effect.rewrite) parts.push('reads and copies nothing');
  return parts.join(', ');
}

/** Rationales are paragraphs; wrapped to this width (plus the indent) they read well in any terminal. */
const RATIONALE_WIDTH = 78;

/** Word-wraps each line of `text` to `width` columns; words longer than that stay whole. */
function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((paragraph) => {
      const lines: string[] = [];
      let line = '';
      for (const word of paragraph.split(/ +/)) {
        if (line !== '' && line.length + 1 + word.length > width) {
          lines.push(line);
          line = word;
        } else {
          line = line === '' ? word : `${line} ${word}`;
        }
      }
      lines.push(line);
      return lines.join('\n');
    })
    .join('\n');
}

function indent(text: string, style: (line: string) => string = (line) => line): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : `  ${style(line)}`))
    .join('\n');
}

function severityPainter(colors: ReturnType<typeof picocolors.createColors>): (severity: string) => string {
  return (severity) => (severity === 'error' ? colors.red(severity) : severity === 'warn' ? colors.yellow(severity) : colors.dim(severity));
}

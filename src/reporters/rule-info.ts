import type { Rule, RuleExample } from '../lint/rule.js';

export type { ExampleEffect, RuleExample } from '../lint/rule.js';

/**
 * What reporters, `sqlmig rules` and `sqlmig explain` need of a rule: the
 * documentation part of a rule module, so registry entries pass as they are.
 */
export type RuleInfo = Pick<Rule, 'id' | 'defaultSeverity' | 'description' | 'rationale' | 'examples'>;

/**
 * An example as a reader needs it. Where the file matters (a down file, or a
 * cross-file example with the rest of its sequence), each file is headed by
 * its name as an SQL comment, in the order sqlmig runs them; an example that
 * needs configuration starts with it.
 */
export function exampleText(example: RuleExample): string {
  const settings = {
    ...(example.schemaName === undefined ? {} : { schema: example.schemaName }),
    ...(example.config === undefined ? {} : { lint: example.config }),
  };
  const configLine = Object.keys(settings).length > 0 ? [`-- .migraterc.json: ${JSON.stringify(settings)}`] : [];
  const others = example.files ?? [];
  if (example.name === undefined && others.length === 0) return [...configLine, example.sql.trimEnd()].join('\n');
  const named = [...others, ...(example.name === undefined ? [] : [{ name: example.name, sql: example.sql }])].sort(byRunOrder);
  // Every example with other files names its own; should one not, it is shown last.
  const files = example.name === undefined ? [...named, { name: 'this migration', sql: example.sql }] : named;
  return [...configLine, ...files.map((file) => `-- ${file.name}\n${file.sql.trimEnd()}`)].join('\n\n');
}

/** Version order, the up file before the down file; names without a version last, by name. */
function byRunOrder(a: { name: string }, b: { name: string }): number {
  const key = (name: string) => [Number(/^\d+/.exec(name)?.[0] ?? Infinity), name.endsWith('.down.sql') ? 1 : 0] as const;
  const [versionA, directionA] = key(a.name);
  const [versionB, directionB] = key(b.name);
  return versionA - versionB || directionA - directionB || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

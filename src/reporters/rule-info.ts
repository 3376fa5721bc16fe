import type { Rule, RuleExample } from '../lint/rule.js';

export type { RuleExample } from '../lint/rule.js';

/**
 * What reporters, `sqlmig rules` and `sqlmig explain` need of a rule: the
 * documentation part of a rule module, so registry entries pass as they are.
 */
export type RuleInfo = Pick<Rule, 'id' | 'defaultSeverity' | 'description' | 'rationale' | 'examples'>;

/**
 * An example as a reader needs it. Where the file matters (a down file, or a
 * cross-file example with the rest of its sequence), each file is headed by
 * its name as an SQL comment, the other files first in name order; an
 * example that needs configuration starts with it.
 */
export function exampleText(example: RuleExample): string {
  const settings = {
    ...(example.schemaName === undefined ? {} : { schema: example.schemaName }),
    ...(example.config === undefined ? {} : { lint: example.config }),
  };
  const configLine = Object.keys(settings).length > 0 ? [`-- .migraterc.json: ${JSON.stringify(settings)}`] : [];
  const others = [...(example.files ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (example.name === undefined && others.length === 0) return [...configLine, example.sql.trimEnd()].join('\n');
  const own = { name: example.name ?? 'this migration', sql: example.sql };
  const files = [...others, own].map((file) => `-- ${file.name}\n${file.sql.trimEnd()}`);
  return [...configLine, ...files].join('\n\n');
}

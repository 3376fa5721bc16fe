import type { Rule } from '../src/lint/rule.js';
import type { ConstraintView, Span, Statement } from '../src/parse/types.js';

/** PostgreSQL's release notes: the first major version that accepts each construct. */
const UNALIASED_SUBQUERY_SINCE = 16;
const TABLE_NOT_NULL_SINCE = 18;

interface Finding {
  construct: string;
  since: number;
  span: Span;
}

const rule: Rule = {
  id: 'server-version-syntax',
  defaultSeverity: 'error',
  description: 'Syntax newer than the PostgreSQL version the migrations run on (postgresVersion)',
  rationale:
    'Server rule: sqlmig parses with PostgreSQL 18\'s parser, so it accepts syntax an older server refuses; the ' +
    'migration then passes lint and fails on the server, on every run. With `lint.postgresVersion` set (or, in the ' +
    'gate of `up`, the version the server reports), this rule names each construct the server is too old for: a ' +
    'subquery in FROM without an alias (accepted from PostgreSQL 16, release notes: "Allow subqueries in the FROM ' +
    'clause to omit aliases"), a NOT NULL table constraint, `CONSTRAINT name NOT NULL col` in CREATE TABLE or ADD ' +
    'CONSTRAINT (accepted from PostgreSQL 18, which stores NOT NULL constraints in pg_constraint). Without a known ' +
    'version the rule says nothing.',
  examples: {
    bad: [
      {
        sql: 'CREATE VIEW active_users AS\nSELECT count(*) FROM (SELECT id FROM users WHERE active);',
        config: { postgresVersion: 15 },
        expect: [{ line: 1, column: 1, message: 'PostgreSQL 16' }],
      },
      {
        sql: 'CREATE TABLE users (\n  id bigint,\n  email text,\n  CONSTRAINT users_email_not_null NOT NULL email\n);',
        config: { postgresVersion: 17 },
        expect: [{ line: 4, column: 3, message: 'PostgreSQL 18' }],
      },
    ],
    good: [
      { sql: 'CREATE VIEW active_users AS\nSELECT count(*) FROM (SELECT id FROM users WHERE active) AS active;', config: { postgresVersion: 15 } },
      { sql: 'CREATE TABLE users (\n  id bigint,\n  email text CONSTRAINT users_email_not_null NOT NULL\n);', config: { postgresVersion: 15 } },
      { sql: 'SELECT count(*) FROM (SELECT id FROM users WHERE active);', config: { postgresVersion: 16 } },
      // No version known: nothing to compare with.
      { sql: 'SELECT count(*) FROM (SELECT id FROM users WHERE active);' },
    ],
  },
  check(context) {
    const version = context.config.postgresVersion;
    return {
      statement(statement) {
        if (version === undefined) return;
        for (const finding of newerConstructs(statement)) {
          if (finding.since <= version) continue;
          context.report({
            span: finding.span,
            message: `${finding.construct} needs PostgreSQL ${finding.since} or later; the server is ${version}`,
            hint: finding.since === UNALIASED_SUBQUERY_SINCE ? 'give the subquery an alias: FROM (SELECT …) AS name' : 'declare the column NOT NULL, or ALTER COLUMN … SET NOT NULL',
          });
        }
      },
    };
  },
};

function newerConstructs(statement: Statement): Finding[] {
  const view = statement.view;
  const tableConstraints: ConstraintView[] =
    view.kind === 'create-table'
      ? view.constraints
      : view.kind === 'alter-table'
        ? view.actions.flatMap((action) => (action.type === 'add-constraint' ? [action.constraint] : []))
        : [];
  const findings: Finding[] = tableConstraints
    .filter((constraint) => constraint.kind === 'not-null')
    .map((constraint) => ({ construct: 'a NOT NULL table constraint', since: TABLE_NOT_NULL_SINCE, span: constraint.span }));
  for (const syntax of statement.newerSyntax ?? []) {
    findings.push({ construct: 'a subquery in FROM without an alias', since: UNALIASED_SUBQUERY_SINCE, span: syntax.span });
  }
  return findings;
}

export default rule;

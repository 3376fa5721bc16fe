import { logicalLines, PythonSyntaxError, type LogicalLine, type Token } from './python.js';

/** What one direction of a revision does: literal SQL statements, or why it is not only that. */
export type RevisionBody = { sql: string[] } | { reason: string; line: number };

/** One Alembic revision file, read without running it. */
export interface AlembicRevision {
  /** Path of the .py file. */
  file: string;
  revision: string;
  /** down_revision: none for a base, two or more for a merge. */
  downRevisions: string[];
  /** depends_on: revisions that must run first without being parents. */
  dependsOn: string[];
  upgrade: RevisionBody;
  downgrade: RevisionBody;
}

export class RevisionFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/**
 * Reads `revision`, `down_revision` and `depends_on` (string, None, or a tuple or list of strings, with or
 * without a type annotation), and whether `upgrade()` and `downgrade()` are only `op.execute(...)` calls with
 * literal SQL: a string (adjacent literals joined, as Python joins them) or `sa.text(...)` / `text(...)` of one.
 */
export function readRevision(file: string, source: string): AlembicRevision {
  let lines: LogicalLine[];
  try {
    lines = logicalLines(source);
  } catch (error) {
    if (error instanceof PythonSyntaxError) throw new RevisionFileError(error.message, file, error.line);
    throw error;
  }
  const assigned = new Map<string, { tokens: Token[]; line: number }>();
  const functions = new Map<string, { body: LogicalLine[]; line: number }>();
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.indent !== 0) continue;
    const [first, second] = line.tokens;
    if (first?.kind === 'name' && first.text === 'def' && second?.kind === 'name') {
      const body: LogicalLine[] = [];
      const colon = line.tokens.findIndex((token, at) => at > 1 && token.kind === 'op' && token.text === ':' && depthAt(line.tokens, at) === 0);
      const inline = colon === -1 ? [] : line.tokens.slice(colon + 1);
      if (inline.length > 0) body.push({ indent: 1, line: line.line, tokens: inline });
      while (index + 1 < lines.length && lines[index + 1]!.indent > 0) body.push(lines[++index]!);
      functions.set(second.text, { body, line: line.line });
      continue;
    }
    if (first?.kind !== 'name') continue;
    const equals = line.tokens.findIndex((token) => token.kind === 'op' && token.text === '=');
    if (equals === 1 || (equals > 1 && second?.kind === 'op' && second.text === ':')) {
      assigned.set(first.text, { tokens: line.tokens.slice(equals + 1), line: line.line });
    }
  }

  const revisionValue = assigned.get('revision');
  if (!revisionValue) throw new RevisionFileError('no `revision = ...` assignment: this is not an Alembic revision file', file);
  const revision = stringList(revisionValue.tokens);
  if (revision?.length !== 1) throw new RevisionFileError('`revision` is not one string literal', file, revisionValue.line);
  const down = assigned.get('down_revision');
  if (!down) throw new RevisionFileError('no `down_revision = ...` assignment: this is not an Alembic revision file', file);
  const downRevisions = stringList(down.tokens);
  if (!downRevisions) throw new RevisionFileError('`down_revision` is not None, a string literal, or a tuple of them', file, down.line);
  const depends = assigned.get('depends_on');
  const dependsOn = depends ? stringList(depends.tokens) : [];
  if (!dependsOn) throw new RevisionFileError('`depends_on` is not None, a string literal, or a tuple of them', file, depends!.line);

  return {
    file,
    revision: revision[0]!,
    downRevisions,
    dependsOn,
    upgrade: readBody(functions.get('upgrade'), 'upgrade'),
    downgrade: readBody(functions.get('downgrade'), 'downgrade'),
  };
}

function depthAt(tokens: readonly Token[], at: number): number {
  let depth = 0;
  for (let i = 0; i < at; i++) {
    const text = tokens[i]!.kind === 'op' ? tokens[i]!.text : '';
    if (text === '(' || text === '[' || text === '{') depth++;
    if (text === ')' || text === ']' || text === '}') depth--;
  }
  return depth;
}

/** None → [], 'a' → ['a'], ('a', 'b') / ['a', 'b'] / 'a', 'b' → ['a', 'b']; anything else → undefined. */
function stringList(tokens: readonly Token[]): string[] | undefined {
  let inner = [...tokens];
  if (inner.length === 1 && inner[0]!.kind === 'name' && inner[0]!.text === 'None') return [];
  const first = inner[0];
  const last = inner.at(-1);
  if (first?.kind === 'op' && last?.kind === 'op' && ((first.text === '(' && last.text === ')') || (first.text === '[' && last.text === ']'))) {
    inner = inner.slice(1, -1);
  }
  const values: string[] = [];
  let expectValue = true;
  for (const token of inner) {
    if (expectValue && token.kind === 'string' && token.value !== undefined) {
      values.push(token.value);
      expectValue = false;
    } else if (!expectValue && token.kind === 'op' && token.text === ',') {
      expectValue = true;
    } else {
      return undefined;
    }
  }
  return values;
}

function readBody(fn: { body: LogicalLine[]; line: number } | undefined, name: string): RevisionBody {
  if (!fn) return { reason: `it has no ${name}() function`, line: 1 };
  const sql: string[] = [];
  for (const [index, statement] of fn.body.entries()) {
    const tokens = statement.tokens;
    const only = tokens.length === 1 ? tokens[0]! : undefined;
    if (only?.kind === 'name' && only.text === 'pass') continue;
    // A docstring: a string on its own as the first statement.
    if (index === 0 && tokens.every((token) => token.kind === 'string')) continue;
    const literal = executedLiteral(tokens);
    if (typeof literal === 'string') {
      sql.push(literal);
      continue;
    }
    return { reason: literal.reason, line: statement.line };
  }
  return { sql };
}

/** The SQL of `op.execute(<literal>)`, or why the statement is something else. */
function executedLiteral(tokens: readonly Token[]): string | { reason: string } {
  const shown = tokens
    .map((token, i) => {
      const previous = tokens[i - 1];
      const spaced = previous !== undefined && ((token.kind !== 'op' && previous.kind !== 'op') || (previous.kind === 'op' && previous.text === ','));
      return spaced ? ` ${token.text}` : token.text;
    })
    .join('')
    .replace(/\s+/g, ' ');
  const what = shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
  const call = ['op', '.', 'execute', '('];
  if (!call.every((text, i) => tokens[i]?.text === text) || tokens.at(-1)?.text !== ')') {
    return { reason: `\`${what}\` is not an op.execute() call` };
  }
  let argument = tokens.slice(4, -1);
  while (argument[0]?.text === '(' && argument.at(-1)?.text === ')') argument = argument.slice(1, -1);
  const text = [['sa', '.', 'text', '('], ['sqlalchemy', '.', 'text', '('], ['text', '(']].find((prefix) => prefix.every((t, i) => argument[i]?.text === t));
  if (text && argument.at(-1)?.text === ')') argument = argument.slice(text.length, -1);
  if (argument.length === 0 || !argument.every((token) => token.kind === 'string' && token.value !== undefined)) {
    return { reason: `\`${what}\` does not execute one literal SQL string` };
  }
  const sql = argument.map((token) => (token.kind === 'string' ? token.value! : '')).join('');
  // Alembic passes a string through SQLAlchemy's text(): `:name` is a bind parameter, `\:` a colon.
  const bind = /(?<![:\w\\]):(\w+)(?!:)/.exec(sql);
  if (bind) return { reason: `\`${what}\` has \`:${bind[1]}\`, which SQLAlchemy's text() reads as a bind parameter` };
  return sql.replace(/\\:/g, ':');
}

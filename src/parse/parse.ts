/**
 * parseSql: a file's text → statements with spans and typed views, syntax
 * errors, comments. The one place that calls libpg-query (through libpg.ts).
 */
import type { Node, RawStmt } from 'libpg-query';
import { codeEnd, codeStart, commentTokens, nextToken } from './lexer.js';
import { loadPgParser, type PgParser } from './libpg.js';
import { SourceMap } from './source-map.js';
import type { Comment, ParseError, ParsedSql, Span, Statement, StatementView } from './types.js';
import { buildView, type BuiltView, type ViewContext } from './view.js';

export { PARSED_SQL_VERSION } from './version.js';

/**
 * libpg-query, once loaded. Loaded on first use, not at import: loading it
 * compiles its WebAssembly, which commands that parse nothing (`up` with no
 * no-transaction file, a no-op `up`) should not pay.
 */
let libpgQuery: PgParser | undefined;
/** The load under way: a caller that starts it early (lint --no-cache) and the engine share it. */
let loading: Promise<void> | undefined;

/** Loads the WASM parser. Call (and await) once before `parseSql`; later calls return at once. */
export function loadParser(): Promise<void> {
  if (libpgQuery) return Promise.resolve();
  loading ??= loadPgParser()
    .then((parser) => {
      libpgQuery = parser;
    })
    .finally(() => {
      loading = undefined;
    });
  return loading;
}

/**
 * libpg-query's parse tree takes about 60 bytes of WebAssembly memory per
 * byte of SQL: past ~20 MB of statements it runs out, and the module is
 * unusable for every later file. Larger files (data dumps) are not parsed.
 */
const MAX_PARSED_LENGTH = 8 * 1024 * 1024;

/** Never throws on any input text; syntax errors are returned in `errors`. */
export function parseSql(text: string): ParsedSql {
  if (!libpgQuery) throw new Error('parseSql() called before `await loadParser()`');
  return new FileParser(text, libpgQuery).parse();
}

/** A statement found by libpg-query, with string offsets into the file. */
interface RawStatement {
  node: Node;
  start: number;
  end: number;
  /** Byte offset in the file of the text that was parsed (the node's locations are relative to it). */
  byteBase: number;
}

/** PL/pgSQL's SQL, with the line of the body it is on. */
interface BodyItem {
  kind: 'sql' | 'execute' | 'commit' | 'rollback';
  line: number;
  query: string;
}

class FileParser {
  private readonly map: SourceMap;
  private readonly errors: ParseError[] = [];
  private readonly comments: Comment[] = [];

  constructor(
    private readonly text: string,
    private readonly pg: PgParser,
  ) {
    this.map = new SourceMap(text);
  }

  parse(): ParsedSql {
    const { text } = this;
    if (text.length > MAX_PARSED_LENGTH) {
      const size = `${(text.length / 1024 / 1024).toFixed(0)} MB`;
      const message = `the file is too large to lint (${size}; sqlmig parses files up to ${MAX_PARSED_LENGTH / 1024 / 1024} MB)`;
      return { statements: [], errors: [{ message, span: this.map.span(0, 0), tooLarge: true }], comments: [] };
    }
    // libpg-query reads a C string: it would stop at a NUL byte. PostgreSQL refuses the byte itself.
    const nul = text.indexOf('\0');
    const end = nul === -1 ? text.length : nul;
    const raws = this.parseUpTo(end);
    if (nul !== -1) {
      this.errors.push({ message: 'invalid byte sequence for encoding "UTF8": 0x00', span: this.map.span(nul, nul + 1) });
    }

    const statements: Statement[] = [];
    let previousEnd = 0;
    let previousLine = 0;
    for (const raw of raws) {
      const gap = this.collectComments(previousEnd, raw.start);
      const statement = this.statement(raw, gap.filter((comment) => comment.span.line > previousLine));
      if (statement.text.includes('--') || statement.text.includes('/*')) this.collectComments(raw.start, raw.end);
      statements.push(statement);
      previousEnd = statement.end;
      previousLine = statement.endLine;
    }
    this.collectComments(previousEnd, end);
    this.comments.sort((a, b) => a.span.start - b.span.start);
    this.errors.sort((a, b) => a.span.start - b.span.start);
    return { statements, errors: this.errors, comments: this.comments };
  }

  /**
   * Parses text[0, end). When PostgreSQL rejects it, splits it at top-level
   * `;` with libpg-query's scanner (which knows dollar quotes) and parses each
   * piece alone, so the statements that do parse are still linted.
   */
  private parseUpTo(end: number): RawStatement[] {
    const sql = end === this.text.length ? this.text : this.text.slice(0, end);
    if (sql.trim() === '') return [];
    try {
      return this.rawStatements(this.pg.parse(sql).stmts ?? [], 0, end);
    } catch (wholeError) {
      let tokens;
      try {
        tokens = this.pg.scan(sql).tokens;
      } catch {
        this.errors.push(this.parseError(wholeError, 0, end));
        return [];
      }
      const raws: RawStatement[] = [];
      const errorCount = this.errors.length;
      let pieceStart = 0;
      let hasCode = false;
      for (const token of [...tokens, undefined]) {
        if (token && token.text !== ';') {
          hasCode ||= token.tokenName !== 'SQL_COMMENT' && token.tokenName !== 'C_COMMENT';
          continue;
        }
        const from = this.map.charOffset(pieceStart);
        const to = token ? this.map.charOffset(token.start) : end;
        if (hasCode) {
          try {
            raws.push(...this.rawStatements(this.pg.parse(this.text.slice(from, to)).stmts ?? [], this.map.byteOffset(from), to));
          } catch (error) {
            this.errors.push(this.parseError(error, from, to));
          }
        }
        pieceStart = token ? token.end : 0;
        hasCode = false;
      }
      // The split is only an approximation of psql's (BEGIN ATOMIC bodies hold `;`); never lose the error.
      if (this.errors.length === errorCount) this.errors.push(this.parseError(wholeError, 0, end));
      return raws;
    }
  }

  private rawStatements(stmts: RawStmt[], byteBase: number, rangeEnd: number): RawStatement[] {
    // A loop, not flatMap: V8's flatMap is slow, and this runs for every file.
    const raws: RawStatement[] = [];
    for (const raw of stmts) {
      if (!raw.stmt) continue;
      const location = raw.stmt_location ?? 0;
      let start = this.map.charOffset(byteBase + location);
      let end = raw.stmt_len ? this.map.charOffset(byteBase + location + raw.stmt_len) : rangeEnd;
      start = codeStart(this.text, start, end);
      end = this.trimEnd(start, end);
      raws.push({ node: raw.stmt, start, end, byteBase });
    }
    return raws;
  }

  /** Drops trailing whitespace, and trailing comments (the last statement runs to the end of the file). */
  private trimEnd(start: number, end: number): number {
    const { text } = this;
    while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
    const lastLine = Math.max(start, text.lastIndexOf('\n', end - 1));
    const dashes = text.indexOf('--', lastLine);
    const mayEndInComment = (dashes !== -1 && dashes + 2 <= end) || text.startsWith('*/', end - 2);
    return mayEndInComment ? codeEnd(text, start, end) : end;
  }

  /** PostgreSQL's message at its cursor position (counted in characters of `text[start, end)`). */
  private parseError(error: unknown, start: number, end: number): ParseError {
    // Emscripten's ExitStatus (the module aborted) is not an Error but has a message.
    const message = typeof (error as { message?: unknown } | null)?.message === 'string' ? (error as { message: string }).message : String(error);
    const cursor = this.pg.cursorPosition(error) ?? 0;
    let offset = start;
    // Code points to UTF-16 units: characters outside the BMP take two.
    for (let codePoints = 0; codePoints < cursor && offset < end; codePoints++) {
      offset += (this.text.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
    }
    const token = nextToken(this.text, offset, end);
    const tokenEnd = token && token.start === offset ? token.end : offset;
    return { message, span: this.map.span(offset, tokenEnd) };
  }

  private collectComments(start: number, end: number): Comment[] {
    const found = commentTokens(this.text, start, end).map((token) => ({
      text: this.text.slice(token.start, token.end),
      span: this.map.span(token.start, token.end),
    }));
    this.comments.push(...found);
    return found;
  }

  private statement(raw: RawStatement, leadingComments: Comment[], embedded?: 'do-block'): Statement {
    const span = this.map.span(raw.start, raw.end);
    const context = this.viewContext(span, raw.byteBase, true);
    return statementOf(span, this.text.slice(raw.start, raw.end), leadingComments, buildView(raw.node, context), embedded);
  }

  private viewContext(statement: Span, byteBase: number, exact: boolean): ViewContext {
    return {
      text: this.text,
      map: this.map,
      byteBase,
      statement,
      exact,
      doBlockStatements: (literalStart, context) => this.doBlockStatements(literalStart, context.statement),
    };
  }

  /**
   * The SQL a DO block's body runs, found with PL/pgSQL's own parser:
   * plain SQL statements, `EXECUTE '<constant>'` and COMMIT/ROLLBACK. A
   * dollar-quoted body is verbatim source, so those statements get exact
   * spans; in a '…'-quoted body (quotes doubled) they get the literal's span.
   */
  private doBlockStatements(literalStart: number, doStatement: Span): Statement[] {
    const { text, map } = this;
    const literal = nextToken(text, literalStart, doStatement.end);
    if (!literal || literal.kind !== 'string') return [];
    const literalText = text.slice(literal.start, literal.end);
    const tag = /^\$[^$]*\$/.exec(literalText)?.[0];
    const bodyStart = tag ? literal.start + tag.length : literal.start;
    const bodyEnd = tag ? literal.end - tag.length : literal.end;
    const literalSpan = map.span(literal.start, literal.end);

    let items: BodyItem[];
    try {
      const tree = this.pg.parsePlPgSQL(`CREATE FUNCTION sqlmig_do() RETURNS void LANGUAGE plpgsql AS ${literalText}`);
      items = bodyItems(tree);
    } catch {
      // PostgreSQL compiles a DO body only when it runs; an invalid one is the server's to report.
      return [];
    }
    if (tag) this.collectComments(bodyStart, bodyEnd);

    const firstLine = literalSpan.line;
    const statements: Statement[] = [];
    for (const item of items) {
      const lineStart = Math.max(bodyStart, map.lineStart(firstLine + item.line - 1));
      if (item.kind === 'commit' || item.kind === 'rollback') {
        const keyword = new RegExp(`\\b${item.kind}\\b`, 'i').exec(text.slice(lineStart, bodyEnd));
        const span = tag && keyword ? map.span(lineStart + keyword.index, lineStart + keyword.index + item.kind.length) : literalSpan;
        statements.push(statementOf(span, item.kind.toUpperCase(), [], { view: { kind: 'transaction-control', action: item.kind, keyword: item.kind.toUpperCase() } }, 'do-block'));
        continue;
      }
      const found = tag ? text.indexOf(item.query, lineStart) : -1;
      const located = found !== -1 && found + item.query.length <= bodyEnd;
      const constant = item.kind === 'execute' ? stringConstant(item.query) : { value: item.query, offset: 0, verbatim: true };
      if (!constant) continue;
      if (located && constant.verbatim) {
        const start = found + constant.offset;
        for (const raw of this.embeddedRaws(start, start + constant.value.length)) {
          statements.push(this.statement(raw, [], 'do-block'));
        }
        continue;
      }
      const span = located ? map.span(found, found + item.query.length) : literalSpan;
      statements.push(...this.inexactStatements(constant.value, span));
    }
    return statements;
  }

  /** Statements in text[start, end) of a DO body; an unparsable one is left to the server. */
  private embeddedRaws(start: number, end: number): RawStatement[] {
    try {
      return this.rawStatements(this.pg.parse(this.text.slice(start, end)).stmts ?? [], this.map.byteOffset(start), end);
    } catch {
      return [];
    }
  }

  /** Statements parsed from text that is not verbatim in the file: every part gets `span`. */
  private inexactStatements(sql: string, span: Span): Statement[] {
    let stmts: RawStmt[];
    try {
      stmts = this.pg.parse(sql).stmts ?? [];
    } catch {
      return [];
    }
    const sqlMap = new SourceMap(sql);
    return stmts.flatMap((raw) => {
      if (!raw.stmt) return [];
      const from = sqlMap.charOffset(raw.stmt_location ?? 0);
      const to = raw.stmt_len ? sqlMap.charOffset((raw.stmt_location ?? 0) + raw.stmt_len) : sql.length;
      return [statementOf(span, sql.slice(from, to).trim(), [], buildView(raw.stmt, this.viewContext(span, 0, false)), 'do-block')];
    });
  }
}

/** Whether a UTF-16 unit is whitespace as JavaScript's `\s` has it; the regex only for non-ASCII. */
function isWhitespace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(String.fromCharCode(code));
}

/**
 * A statement: the span's fields, then the rest. Written out, not spread: in
 * Node 20 every property after a spread costs ~1 µs, several per statement.
 */
function statementOf(
  span: Span,
  text: string,
  leadingComments: Comment[],
  { view, notInTransaction, literals, newerSyntax }: BuiltView,
  embedded?: 'do-block',
): Statement {
  const statement: Statement = {
    start: span.start,
    end: span.end,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
    text,
    leadingComments,
    view,
  };
  if (embedded) statement.embedded = embedded;
  if (notInTransaction) statement.notInTransaction = notInTransaction;
  if (literals) statement.literals = literals;
  if (newerSyntax) statement.newerSyntax = newerSyntax;
  return statement;
}

/** Walks a parsePlPgSQL tree in source order, collecting what runs SQL. */
function bodyItems(tree: unknown): BodyItem[] {
  const items: BodyItem[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const element of value) visit(element);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const node = child as { lineno?: number; sqlstmt?: { PLpgSQL_expr?: { query?: string } }; query?: { PLpgSQL_expr?: { query?: string } } };
      const line = node?.lineno ?? 1;
      if (key === 'PLpgSQL_stmt_execsql') items.push({ kind: 'sql', line, query: node.sqlstmt?.PLpgSQL_expr?.query ?? '' });
      else if (key === 'PLpgSQL_stmt_dynexecute') items.push({ kind: 'execute', line, query: node.query?.PLpgSQL_expr?.query ?? '' });
      else if (key === 'PLpgSQL_stmt_commit') items.push({ kind: 'commit', line, query: '' });
      else if (key === 'PLpgSQL_stmt_rollback') items.push({ kind: 'rollback', line, query: '' });
      visit(child);
    }
  };
  visit(tree);
  return items;
}

/**
 * The value of an EXECUTE argument that is a single string constant, where it
 * starts in the expression, and whether it is verbatim source (dollar quotes)
 * or had its quotes undoubled ('…'). Undefined for anything else (format(),
 * concatenations, variables).
 */
function stringConstant(expression: string): { value: string; offset: number; verbatim: boolean } | undefined {
  const dollar = /^(\s*)(\$(?:[A-Za-z_][\w]*)?\$)([\s\S]*)\2\s*$/.exec(expression);
  if (dollar) return { value: dollar[3]!, offset: dollar[1]!.length + dollar[2]!.length, verbatim: true };
  const quoted = /^\s*'((?:[^']|'')*)'\s*$/.exec(expression);
  if (!quoted) return undefined;
  const value = quoted[1]!.replaceAll("''", "'");
  return { value, offset: expression.indexOf("'") + 1, verbatim: value === quoted[1] };
}

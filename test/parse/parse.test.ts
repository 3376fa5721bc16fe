import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseSql } from '../../src/parse/index.js';
import type { Span, Statement, ViewOf } from '../../src/parse/types.js';

beforeAll(async () => {
  await loadParser();
});

/** `line:column-endLine:endColumn`. */
function at(span: Span): string {
  return `${span.line}:${span.column}-${span.endLine}:${span.endColumn}`;
}

function view<K extends Statement['view']['kind']>(statement: Statement | undefined, kind: K): ViewOf<K> {
  expect(statement?.view.kind).toBe(kind);
  return statement!.view as ViewOf<K>;
}

describe('statements and spans', () => {
  it('splits statements; text has no `;` and no trailing comment; the last needs no `;`', () => {
    const sql = '-- header\nCREATE TABLE a (id int);\n\nSELECT 1; /* between */ SELECT 2 -- tail\n';
    const { statements, errors, comments } = parseSql(sql);
    expect(errors).toEqual([]);
    expect(statements.map((s) => s.text)).toEqual(['CREATE TABLE a (id int)', 'SELECT 1', 'SELECT 2']);
    expect(statements.map(at)).toEqual(['2:1-2:24', '4:1-4:9', '4:25-4:33']);
    for (const s of statements) expect(sql.slice(s.start, s.end)).toBe(s.text);
    expect(comments.map((c) => c.text)).toEqual(['-- header', '/* between */', '-- tail']);
  });

  it('leading comments are those above the statement, not trailing ones of the line before', () => {
    const sql = 'SELECT 1; -- about select 1\n-- about select 2\n/* and more */\nSELECT 2;';
    const [first, second] = parseSql(sql).statements;
    expect(first!.leadingComments).toEqual([]);
    expect(second!.leadingComments.map((c) => c.text)).toEqual(['-- about select 2', '/* and more */']);
  });

  it('converts UTF-8 byte offsets: columns count UTF-16 units after é and emoji', () => {
    const sql = "SELECT 'é😀';\nCREATE TABLE café (naïve text, \"😀\" int);";
    const { statements } = parseSql(sql);
    expect(statements.map(at)).toEqual(['1:1-1:13', '2:1-2:41']);
    const table = view(statements[1], 'create-table');
    expect(table.table.name).toBe('café');
    expect(at(table.table.span)).toBe('2:14-2:18');
    expect(table.columns.map((c) => `${c.name} ${at(c.span)}`)).toEqual(['naïve 2:20-2:30', '😀 2:32-2:40']);
  });

  it('handles CRLF line endings', () => {
    const { statements } = parseSql('SELECT 1;\r\nSELECT 2;\r\n');
    expect(statements.map(at)).toEqual(['1:1-1:9', '2:1-2:9']);
  });

  it('keeps `;` inside dollar-quoted bodies, strings and comments', () => {
    const sql = [
      "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN PERFORM 1; END $fn$;",
      "SELECT 'a;b', \"c;d\" FROM t; -- x; y",
      'DO $$ BEGIN PERFORM 2; END $$;',
    ].join('\n');
    const { statements, errors } = parseSql(sql);
    expect(errors).toEqual([]);
    expect(statements.map((s) => s.view.kind)).toEqual(['create-function', 'other', 'do-block']);
  });

  it('empty, blank and comment-only files have no statements and no errors', () => {
    for (const sql of ['', '   \n\t', '-- nothing here\n/* nor here */', ';;']) {
      const parsed = parseSql(sql);
      expect(parsed.statements).toEqual([]);
      expect(parsed.errors).toEqual([]);
    }
    expect(parseSql('-- only a comment').comments.map((c) => c.text)).toEqual(['-- only a comment']);
  });
});

describe('syntax errors', () => {
  it("reports PostgreSQL's message at its position, counting characters after multi-byte text", () => {
    const { errors } = parseSql("SELECT 'é😀';\nSELEC 1;");
    expect(errors.map((e) => `${at(e.span)} ${e.message}`)).toEqual(['2:1-2:6 syntax error at or near "SELEC"']);
  });

  it('still returns the statements around a broken one', () => {
    const sql = [
      'CREATE TABLE a (id int);',
      'CREATE TABLE b (id int)',
      'CREATE TABLE c (id int);',
      "DO $$ BEGIN PERFORM ';'; END $$;",
      'CREATE TABLE d (id int);',
    ].join('\n');
    const { statements, errors } = parseSql(sql);
    expect(errors.map((e) => `${e.span.line}:${e.span.column} ${e.message}`)).toEqual(['3:1 syntax error at or near "CREATE"']);
    expect(statements.map((s) => `${s.line} ${s.view.kind}`)).toEqual(['1 create-table', '4 do-block', '5 create-table']);
    expect(statements[2]!.text).toBe('CREATE TABLE d (id int)');
  });

  it('reports an unterminated string at the statement, with nothing else to lint', () => {
    const { statements, errors } = parseSql("SELECT 1;\nSELECT 'oops;\n");
    expect(statements).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/unterminated quoted string/);
    expect(errors[0]!.span.line).toBe(2);
  });

  it('reports a NUL byte (PostgreSQL refuses it) and parses what comes before', () => {
    const { statements, errors } = parseSql('SELECT 1;\nSELECT 2; \0\u0001garbage');
    expect(statements).toHaveLength(2);
    expect(errors.map((e) => `${at(e.span)} ${e.message}`)).toEqual(['2:11-2:12 invalid byte sequence for encoding "UTF8": 0x00']);
  });
});

describe('typed view', () => {
  it('CREATE TABLE: columns, types and typmods, NOT NULL, defaults, identity, generated, constraints', () => {
    const sql = `CREATE TABLE IF NOT EXISTS app."Orders" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status varchar(255) NOT NULL DEFAULT 'new',
  note character varying,
  tags text[],
  total numeric(12, 2),
  doubled int GENERATED ALWAYS AS (id * 2) STORED,
  seq serial,
  user_id bigint REFERENCES public.users (id),
  CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID,
  UNIQUE (status, note)
);`;
    const table = view(parseSql(sql).statements[0], 'create-table');
    expect(table.table).toMatchObject({ schema: 'app', name: 'Orders' });
    expect(table.ifNotExists).toBe(true);
    const columns = Object.fromEntries(table.columns.map((c) => [c.name, c]));
    expect(columns.status!.type).toMatchObject({ name: 'varchar', schema: 'pg_catalog', typmods: [255], arrayDepth: 0 });
    expect(at(columns.status!.type!.span)).toBe('3:10-3:22');
    expect(columns.status).toMatchObject({ notNull: true, default: true, hasDefault: true });
    expect(columns.note!.type).toMatchObject({ name: 'varchar', typmods: [] });
    expect(columns.tags!.type).toMatchObject({ name: 'text', arrayDepth: 1 });
    expect(columns.total!.type!.typmods).toEqual([12, 2]);
    expect(columns.id).toMatchObject({ identity: 'always', primaryKey: true, notNull: true, hasDefault: true });
    expect(columns.doubled).toMatchObject({ generated: 'stored', hasDefault: true, default: false });
    expect(columns.seq).toMatchObject({ hasDefault: true, default: false });
    expect(columns.user_id!.constraints[0]!.references!.table).toMatchObject({ schema: 'public', name: 'users' });
    expect(at(columns.user_id!.span)).toBe('9:3-9:46');
    expect(table.constraints.map((c) => `${c.kind} ${c.name ?? ''} ${c.columns.join(',')} ${c.notValid}`)).toEqual([
      'foreign-key orders_user_fk user_id true',
      'unique  status,note false',
    ]);
    expect(at(table.constraints[0]!.span)).toBe('10:3-10:82');
  });

  it('ALTER TABLE: one action per clause, each with its own span', () => {
    const sql = `ALTER TABLE ONLY users
  ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'x',
  DROP COLUMN legacy CASCADE,
  ALTER COLUMN total TYPE numeric(10, 2) USING total::numeric,
  ALTER COLUMN email SET NOT NULL,
  ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id),
  DROP CONSTRAINT IF EXISTS old_check,
  ENABLE ROW LEVEL SECURITY;`;
    const alter = view(parseSql(sql).statements[0], 'alter-table');
    expect(alter.table.name).toBe('users');
    expect(alter.actions.map((a) => `${a.type} ${at(a.span)}`)).toEqual([
      'add-column 2:3-2:60',
      'drop-column 3:3-3:29',
      'alter-column-type 4:3-4:62',
      'set-not-null 5:3-5:34',
      'add-constraint 6:3-6:72',
      'drop-constraint 7:3-7:38',
      'other 8:3-8:28',
    ]);
    const [add, drop, type, , constraint, dropConstraint, other] = alter.actions;
    expect(add).toMatchObject({ ifNotExists: true, column: { name: 'status', notNull: true, default: true } });
    expect(drop).toMatchObject({ column: 'legacy', ifExists: false, cascade: true });
    expect(type).toMatchObject({ column: 'total', using: true, newType: { name: 'numeric', typmods: [10, 2] } });
    expect(constraint).toMatchObject({ constraint: { kind: 'foreign-key', references: { table: { name: 'orgs' } } } });
    expect(dropConstraint).toMatchObject({ name: 'old_check', ifExists: true });
    expect(other).toMatchObject({ command: 'EnableRowSecurity' });
  });

  it('renames: columns and constraints are ALTER TABLE actions, whole objects are `rename`', () => {
    const statements = parseSql(
      'ALTER TABLE t RENAME COLUMN "A" TO b;\nALTER TABLE IF EXISTS s.t RENAME TO u;\nALTER INDEX i RENAME TO j;\nALTER TRIGGER tr ON t RENAME TO tr2;',
    ).statements;
    expect(view(statements[0], 'alter-table').actions[0]).toMatchObject({ type: 'rename-column', column: 'A', newName: 'b' });
    expect(view(statements[1], 'rename')).toMatchObject({ objectType: 'table', object: { schema: 's', name: 't' }, newName: 'u', ifExists: true });
    expect(view(statements[2], 'rename')).toMatchObject({ objectType: 'index', object: { name: 'i' } });
    expect(view(statements[3], 'rename')).toMatchObject({ objectType: 'trigger', object: { name: 'tr' }, table: { name: 't' } });
  });

  it('DROP: object type, names, IF EXISTS, CASCADE, CONCURRENTLY', () => {
    const statements = parseSql(
      'DROP TABLE IF EXISTS a, s.b CASCADE;\nDROP INDEX CONCURRENTLY i;\nDROP TRIGGER t ON s.tbl;\nDROP FUNCTION f(int);\nDROP TYPE e;\nDROP MATERIALIZED VIEW mv;',
    ).statements;
    expect(view(statements[0], 'drop')).toMatchObject({
      objectType: 'table',
      ifExists: true,
      cascade: true,
      objects: [{ name: { name: 'a' } }, { name: { schema: 's', name: 'b' } }],
    });
    expect(view(statements[1], 'drop')).toMatchObject({ objectType: 'index', concurrently: true });
    expect(statements[1]!.notInTransaction).toBe('DROP INDEX CONCURRENTLY');
    expect(view(statements[2], 'drop').objects[0]).toMatchObject({ name: { name: 't' }, table: { schema: 's', name: 'tbl' } });
    expect(view(statements[3], 'drop')).toMatchObject({ objectType: 'function', objects: [{ name: { name: 'f' } }] });
    expect(view(statements[4], 'drop').objectType).toBe('type');
    expect(view(statements[5], 'drop').objectType).toBe('materialized-view');
  });

  it('other statement kinds', () => {
    const sql = [
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON s.t (a, lower(b)) WHERE c;',
      'CREATE OR REPLACE VIEW v AS SELECT 1;',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS mv AS SELECT 1;',
      "CREATE TYPE mood AS ENUM ('sad', 'ok');",
      "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy';",
      'CREATE SCHEMA IF NOT EXISTS app;',
      'CREATE SEQUENCE IF NOT EXISTS seq;',
      'CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA ext;',
      'CREATE OR REPLACE FUNCTION app.f(a int, OUT b text) RETURNS text LANGUAGE sql AS $$ SELECT 1 $$;',
      'CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();',
      'TRUNCATE a, b;',
      'DELETE FROM t;',
      'UPDATE t SET a = 1, b = 2 WHERE id = 3;',
      'INSERT INTO t (a, b) VALUES (1, 2);',
      'BEGIN; START TRANSACTION; COMMIT; END; ROLLBACK; ABORT; SAVEPOINT s;',
      'VACUUM ANALYZE t; ANALYZE t;',
      'REINDEX INDEX CONCURRENTLY idx; REINDEX DATABASE;',
      'GRANT SELECT ON t TO r;',
    ].join('\n');
    const statements = parseSql(sql).statements;
    const by = (index: number) => statements[index]!;
    expect(view(by(0), 'create-index')).toMatchObject({
      name: 'idx', table: { schema: 's', name: 't' }, unique: true, concurrently: true, ifNotExists: true, columns: ['a'], partial: true,
    });
    expect(by(0).notInTransaction).toBe('CREATE INDEX CONCURRENTLY');
    expect(view(by(1), 'create-view')).toMatchObject({ orReplace: true, materialized: false });
    expect(view(by(2), 'create-view')).toMatchObject({ materialized: true, ifNotExists: true });
    expect(view(by(3), 'create-type')).toMatchObject({ variant: 'enum', values: ['sad', 'ok'] });
    expect(view(by(4), 'alter-type')).toMatchObject({ action: 'add-value', value: 'happy', ifNotExists: true });
    expect(view(by(5), 'create-schema')).toMatchObject({ name: 'app', ifNotExists: true });
    expect(view(by(6), 'create-sequence')).toMatchObject({ sequence: { name: 'seq' }, ifNotExists: true });
    expect(view(by(7), 'create-extension')).toMatchObject({ name: 'pgcrypto', schema: 'ext' });
    expect(view(by(8), 'create-function')).toMatchObject({
      name: { schema: 'app', name: 'f' }, argTypes: ['pg_catalog.int4'], orReplace: true, language: 'sql',
    });
    expect(view(by(9), 'create-trigger')).toMatchObject({ name: 'tr', table: { name: 't' } });
    expect(view(by(10), 'truncate').tables.map((t) => t.name)).toEqual(['a', 'b']);
    expect(view(by(11), 'delete')).toMatchObject({ hasWhere: false });
    expect(view(by(12), 'update')).toMatchObject({ hasWhere: true, columns: ['a', 'b'] });
    expect(view(by(13), 'insert')).toMatchObject({ columns: ['a', 'b'] });
    expect(statements.slice(14, 21).map((s) => view(s, 'transaction-control').action)).toEqual([
      'begin', 'start', 'commit', 'commit', 'rollback', 'rollback', 'savepoint',
    ]);
    expect(view(by(21), 'vacuum').analyzeOnly).toBe(false);
    expect(by(21).notInTransaction).toBe('VACUUM');
    expect(view(by(22), 'vacuum').analyzeOnly).toBe(true);
    expect(by(22).notInTransaction).toBeUndefined();
    expect(view(by(23), 'reindex')).toMatchObject({ target: 'index', concurrently: true });
    expect(by(24).notInTransaction).toBe('REINDEX DATABASE');
    expect(view(by(25), 'other').command).toBe('GrantStmt');
  });

  it('what a view or an INSERT reads, found in the same walk as their string constants', () => {
    const sql = [
      "CREATE VIEW v AS SELECT p.id, p.title::text, 'on' AS flag FROM app.post p JOIN person ON person.id = p.author WHERE p.state = 'open';",
      "CREATE MATERIALIZED VIEW mv AS SELECT count(*) FROM (SELECT * FROM post) AS s WHERE s.kind = 'x'::mood;",
      "INSERT INTO log (id, note) SELECT c.id, 'copied' FROM comment c JOIN post ON post.id = c.post_id;",
      "INSERT INTO t (a) VALUES ('x');",
    ].join('\n');
    const [plain, materialized, insertSelect, insertValues] = parseSql(sql).statements;
    const names = (list: Array<{ schema?: string; name: string }>) => list.map((name) => (name.schema ? `${name.schema}.${name.name}` : name.name));
    const plainView = view(plain, 'create-view');
    expect(names(plainView.reads)).toEqual(['app.post', 'person']);
    expect(plainView.columns).toEqual(['id', 'title', 'author', 'state']);
    expect(names(plainView.types)).toEqual(['text']);
    expect(plain!.literals).toEqual(['on', 'open']);
    const materializedView = view(materialized, 'create-view');
    expect(names(materializedView.reads)).toEqual(['post']);
    expect(materializedView.columns).toEqual(['*', 'kind']);
    expect(names(materializedView.types)).toEqual(['mood']);
    expect(materialized!.literals).toEqual(['x']);
    // The table written to is not read; columns and types are not collected for an INSERT.
    expect(names(view(insertSelect, 'insert').reads)).toEqual(['comment', 'post']);
    expect(insertSelect!.literals).toEqual(['copied']);
    expect(view(insertValues, 'insert').reads).toEqual([]);
    expect(insertValues!.literals).toEqual(['x']);
  });

  it('DO blocks: the SQL the body runs, with exact spans in a dollar-quoted body', () => {
    const sql = `DO $body$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
    CREATE TYPE mood AS ENUM ('sad');
  END IF;
  -- a comment inside the body
  EXECUTE 'CREATE INDEX CONCURRENTLY i ON t (a)';
  EXECUTE format('DROP TABLE %I', 'x');
  EXECUTE $sql$ALTER TABLE t ADD COLUMN b int$sql$;
  EXECUTE 'COMMENT ON TABLE t IS ''it''''s''';
  COMMIT;
EXCEPTION WHEN duplicate_object THEN NULL;
END
$body$;`;
    const { statements, comments } = parseSql(sql);
    const block = view(statements[0], 'do-block');
    expect(block.language).toBe('plpgsql');
    expect(block.statements.map((s) => `${s.view.kind} ${at(s)} ${s.embedded}`)).toEqual([
      'create-type 4:5-4:37 do-block',
      'create-index 7:12-7:48 do-block',
      'alter-table 9:16-9:46 do-block',
      'other 10:11-10:46 do-block',
      'transaction-control 11:3-11:9 do-block',
    ]);
    expect(block.statements[3]!.text).toBe("COMMENT ON TABLE t IS 'it''s'");
    expect(block.statements[0]!.text).toBe("CREATE TYPE mood AS ENUM ('sad')");
    expect(block.statements[1]!.notInTransaction).toBe('CREATE INDEX CONCURRENTLY');
    expect(comments.map((c) => c.text)).toEqual(['-- a comment inside the body']);
  });

  it("DO blocks with a '…' body: statements found, positioned at the literal", () => {
    const block = view(parseSql("DO 'BEGIN CREATE TABLE x (a text); END';").statements[0], 'do-block');
    expect(block.statements.map((s) => `${s.view.kind} ${at(s)}`)).toEqual(['create-table 1:4-1:40']);
  });

  it('a DO block whose body PL/pgSQL cannot compile has no statements (the server reports it when it runs)', () => {
    const { statements, errors } = parseSql('DO $$ BEGIN IF THEN END $$;');
    expect(errors).toEqual([]);
    expect(view(statements[0], 'do-block').statements).toEqual([]);
  });

  it('keeps quoted identifiers as written and folds unquoted ones', () => {
    const table = view(parseSql('CREATE TABLE "UserAccounts" (ID int, "Name" text);').statements[0], 'create-table');
    expect(table.table.name).toBe('UserAccounts');
    expect(table.columns.map((c) => c.name)).toEqual(['id', 'Name']);
  });
});

describe('typed view: relation kinds', () => {
  it('ALTER TYPE … ADD ATTRIBUTE and ALTER VIEW … RENAME COLUMN say which relation they alter', () => {
    const [type, viewRename] = parseSql('ALTER TYPE address ADD ATTRIBUTE zip text;\nALTER VIEW v RENAME COLUMN a TO b;').statements;
    expect(view(type, 'alter-table')).toMatchObject({ objectType: 'type', table: { name: 'address' }, actions: [{ type: 'add-column' }] });
    expect(view(viewRename, 'alter-table')).toMatchObject({ objectType: 'view', table: { name: 'v' }, actions: [{ type: 'rename-column' }] });
  });
});

/**
 * What src/parse/ gives the rest of sqlmig: statements with positions and a
 * small typed view of each. Nothing here exposes libpg-query's raw tree.
 *
 * Positions: `start`/`end` are offsets into the JavaScript string (UTF-16 code
 * units, end exclusive); lines and columns are 1-based, columns counted in
 * UTF-16 code units, `endColumn` exclusive.
 */
export interface Span {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A `-- …` or `/* … *\/` comment; `text` includes the comment markers. */
export interface Comment {
  text: string;
  span: Span;
}

/** PostgreSQL's own error message at the position its parser reports. */
export interface ParseError {
  message: string;
  /** Where the error is; a zero-width span when PostgreSQL points at a character. */
  span: Span;
  /** The file is beyond what sqlmig parses: nothing is wrong with the SQL as far as is known. */
  tooLarge?: true;
}

export interface ParsedSql {
  statements: Statement[];
  errors: ParseError[];
  /** Every comment in the file, in order (inside statements too). */
  comments: Comment[];
}

/** One top-level SQL statement (or one executed inside a DO block, see `embedded`). */
export interface Statement extends Span {
  /** The statement's source text, without the terminating `;` and trailing comments. */
  text: string;
  /** Comments between the previous statement's line and this statement. */
  leadingComments: Comment[];
  view: StatementView;
  /**
   * Set for statements that run inside a DO block's PL/pgSQL body; those are
   * listed in the DO block's view (`statements`), not at the top level.
   */
  embedded?: 'do-block';
  /**
   * When PostgreSQL refuses this statement inside a transaction block: the
   * command as its error message names it (e.g. `CREATE INDEX CONCURRENTLY`).
   */
  notInTransaction?: string;
  /**
   * The string constants a data or table statement uses (INSERT, UPDATE,
   * DELETE, SELECT, ALTER/CREATE TABLE, CREATE INDEX/VIEW); absent when none.
   * Function and DO bodies do not count: they run later or are listed apart.
   */
  literals?: string[];
  /** Where the statement uses syntax only newer servers accept (the parser is PostgreSQL 18's); absent when none. */
  newerSyntax?: NewerSyntax[];
}

/** Syntax the parser accepts that older PostgreSQL servers refuse. */
export interface NewerSyntax {
  /** `unaliased-subquery`: a subquery in FROM without an alias. */
  construct: 'unaliased-subquery';
  span: Span;
}

/** A possibly schema-qualified name, case-folded as PostgreSQL does (quoted parts keep their case). */
/** A function's name as a call writes it (no span: calls are not pointed at). */
export interface FunctionName {
  schema?: string;
  name: string;
}

export interface QualifiedName {
  schema?: string;
  name: string;
  span: Span;
}

/** A type as written: `varchar(255)` → name `varchar`, schema `pg_catalog`, typmods [255]. */
export interface TypeRef {
  /** Last part of the name, lowercase for built-ins (`varchar`, `text`, `int4`, `timestamptz`). */
  name: string;
  /** `pg_catalog` for SQL-standard spellings (`varchar`, `integer`), else as written. */
  schema?: string;
  /** Numbers for integer modifiers; other modifiers as their source text. */
  typmods: Array<number | string>;
  /** 0 for scalars; `text[]` is 1. */
  arrayDepth: number;
  span: Span;
}

export type ConstraintKind = 'primary-key' | 'unique' | 'foreign-key' | 'check' | 'exclusion' | 'not-null';

export interface ConstraintView {
  kind: ConstraintKind;
  name?: string;
  /** Constrained columns; for a column constraint, that column. */
  columns: string[];
  references?: {
    table: QualifiedName;
    columns: string[];
    /** PostgreSQL's action codes, ON UPDATE then ON DELETE (`a` no action, `r` restrict, `c` cascade, `n` set null, `d` set default). */
    actions: string;
  };
  /** `NOT VALID`. */
  notValid: boolean;
  /** `ADD CONSTRAINT … UNIQUE USING INDEX idx`. */
  usingIndex?: string;
  /** For `CHECK (col IS NOT NULL)` exactly: that column (PostgreSQL 12+ lets SET NOT NULL trust it instead of scanning). */
  notNullColumn?: string;
  /** For CHECK: every column its expression refers to (dropping one drops the constraint). */
  referencedColumns?: string[];
  span: Span;
}

export interface ColumnView {
  name: string;
  /** Absent for columns of `CREATE TABLE … PARTITION OF` / `OF type` that only add constraints. */
  type?: TypeRef;
  notNull: boolean;
  /** An explicit DEFAULT clause. */
  default: boolean;
  identity?: 'always' | 'by-default';
  generated?: 'stored' | 'virtual';
  /**
   * The volatile function the DEFAULT calls (`random`, `clock_timestamp`,
   * `gen_random_uuid`, `nextval` …): evaluated per row, so ADD COLUMN rewrites
   * the table. Functions the parser cannot know (user-defined) are not named.
   */
  volatileDefault?: string;
  /**
   * Every function the DEFAULT calls, as written: the schema model knows the
   * volatility of those that earlier migrations created (VOLATILE unless declared).
   */
  defaultCalls?: FunctionName[];
  /** DEFAULT, identity, generated, or a serial type: the column fills itself on existing rows. */
  hasDefault: boolean;
  primaryKey: boolean;
  unique: boolean;
  /** Column constraints (PRIMARY KEY, UNIQUE, REFERENCES, CHECK, NOT NULL), in source order. */
  constraints: ConstraintView[];
  /** From the column name to the end of its definition. */
  span: Span;
}

export type ObjectKind =
  | 'access-method' | 'aggregate' | 'amop' | 'amproc' | 'attribute' | 'cast' | 'column' | 'collation'
  | 'conversion' | 'database' | 'default' | 'default-acl' | 'domain' | 'domain-constraint' | 'event-trigger'
  | 'extension' | 'foreign-data-wrapper' | 'foreign-server' | 'foreign-table' | 'function' | 'index'
  | 'language' | 'large-object' | 'materialized-view' | 'operator-class' | 'operator' | 'operator-family'
  | 'parameter-acl' | 'policy' | 'procedure' | 'publication' | 'publication-namespace' | 'publication-relation'
  | 'role' | 'routine' | 'rule' | 'schema' | 'sequence' | 'subscription' | 'statistics' | 'constraint'
  | 'table' | 'tablespace' | 'transform' | 'trigger' | 'text-search-configuration' | 'text-search-dictionary'
  | 'text-search-parser' | 'text-search-template' | 'type' | 'user-mapping' | 'view';

/** One clause of ALTER TABLE. Each carries the span of its clause (`ADD COLUMN …` up to the next top-level comma). */
export type AlterTableAction =
  | { type: 'add-column'; column: ColumnView; ifNotExists: boolean; span: Span }
  | { type: 'drop-column'; column: string; ifExists: boolean; cascade: boolean; span: Span }
  | { type: 'alter-column-type'; column: string; newType: TypeRef; using: boolean; span: Span }
  | { type: 'set-not-null' | 'drop-not-null' | 'set-default' | 'drop-default'; column: string; span: Span }
  | { type: 'add-constraint'; constraint: ConstraintView; span: Span }
  | { type: 'drop-constraint'; name: string; ifExists: boolean; cascade: boolean; span: Span }
  | { type: 'validate-constraint'; name: string; span: Span }
  | { type: 'rename-column'; column: string; newName: string; span: Span }
  | { type: 'rename-constraint'; name: string; newName: string; span: Span }
  | { type: 'detach-partition'; partition: QualifiedName; concurrently: boolean; span: Span }
  /** Any other clause; `command` is PostgreSQL's name for it, e.g. `EnableRowSecurity`. */
  | { type: 'other'; command: string; span: Span };

/** A thing a DROP names: for triggers, policies and rules, `table` is the table it is ON. */
export interface DropTarget {
  name: QualifiedName;
  table?: QualifiedName;
}

export type TransactionAction =
  | 'begin' | 'start' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollback-to'
  | 'prepare' | 'commit-prepared' | 'rollback-prepared';

/**
 * The typed view of a statement: what rules look at. `kind: 'other'` covers
 * every statement not listed; `command` then names PostgreSQL's node
 * (e.g. `GrantStmt`), for messages only.
 */
export type StatementView =
  | {
      kind: 'create-table';
      table: QualifiedName;
      ifNotExists: boolean;
      temporary: boolean;
      columns: ColumnView[];
      /** Table constraints (not the column ones). */
      constraints: ConstraintView[];
      partitionOf?: QualifiedName;
      /** `PARTITION BY …`: a partitioned table, whose indexes take over matching indexes of its partitions. */
      partitioned: boolean;
      /** `CREATE TABLE … AS` / `SELECT … INTO`. */
      asQuery: boolean;
    }
  | {
      kind: 'create-index';
      /** Absent for `CREATE INDEX ON t (…)`. The index lives in the table's schema. */
      name?: string;
      table: QualifiedName;
      ifNotExists: boolean;
      concurrently: boolean;
      unique: boolean;
      /** Plain column keys; expressions are not listed. */
      columns: string[];
      /** Every column the index refers to: keys, expressions and the WHERE clause (dropping one drops the index). */
      referencedColumns: string[];
      partial: boolean;
    }
  | {
      kind: 'alter-table';
      /** `ALTER INDEX`, `ALTER VIEW`, `ALTER SEQUENCE` … parse to the same statement. */
      objectType: ObjectKind;
      table: QualifiedName;
      ifExists: boolean;
      actions: AlterTableAction[];
    }
  | {
      kind: 'drop';
      objectType: ObjectKind;
      objects: DropTarget[];
      ifExists: boolean;
      cascade: boolean;
      concurrently: boolean;
    }
  | {
      /** Renames of whole objects (tables, indexes, types, …); column and constraint renames are alter-table actions. */
      kind: 'rename';
      objectType: ObjectKind;
      object: QualifiedName;
      /** For triggers, policies and rules: the table they are ON. */
      table?: QualifiedName;
      newName: string;
      ifExists: boolean;
    }
  | {
      kind: 'create-view';
      view: QualifiedName;
      orReplace: boolean;
      materialized: boolean;
      ifNotExists: boolean;
      /** The relations its query reads: DROP … CASCADE of one drops the view. */
      reads: QualifiedName[];
      /** The columns its query names, last part only (`*` for a star): DROP COLUMN … CASCADE of one drops the view. */
      columns: string[];
      /** The types its query names (casts), pg_catalog's left out: DROP TYPE … CASCADE of one drops the view. */
      types: QualifiedName[];
    }
  | {
      kind: 'create-type';
      type: QualifiedName;
      variant: 'enum' | 'composite' | 'range' | 'domain' | 'base' | 'shell';
      /** Enum labels. */
      values: string[];
      /** A domain's underlying type: DROP TYPE … CASCADE of it drops the domain. */
      baseType?: TypeRef;
    }
  | {
      kind: 'alter-type';
      type: QualifiedName;
      action: 'add-value' | 'rename-value';
      value: string;
      ifNotExists: boolean;
    }
  | {
      kind: 'create-function';
      name: QualifiedName;
      /** Argument types as written (for telling overloads apart). */
      argTypes: string[];
      /** The return type and OUT / TABLE column types as written: with the argument types, what DROP TYPE … CASCADE looks at. */
      resultTypes: string[];
      orReplace: boolean;
      procedure: boolean;
      language?: string;
      /** As declared; PostgreSQL's default is VOLATILE. */
      volatility: 'immutable' | 'stable' | 'volatile';
    }
  | {
      kind: 'create-trigger';
      name: string;
      table: QualifiedName;
      orReplace: boolean;
      /** The function it executes: DROP FUNCTION … CASCADE drops the trigger. */
      function: QualifiedName;
    }
  | { kind: 'create-schema'; name: string; ifNotExists: boolean }
  | {
      kind: 'create-sequence';
      sequence: QualifiedName;
      ifNotExists: boolean;
      /** The table of `OWNED BY table.column`: dropping the table drops the sequence. */
      ownedBy?: QualifiedName;
    }
  | {
      kind: 'alter-sequence';
      sequence: QualifiedName;
      /** The table of `OWNED BY table.column`; absent when not set (or `OWNED BY NONE`). */
      ownedBy?: QualifiedName;
    }
  | { kind: 'create-extension'; name: string; ifNotExists: boolean; schema?: string }
  | { kind: 'truncate'; tables: QualifiedName[] }
  | { kind: 'delete'; table: QualifiedName; hasWhere: boolean }
  | { kind: 'update'; table: QualifiedName; hasWhere: boolean; columns: string[] }
  | {
      kind: 'insert';
      table: QualifiedName;
      columns: string[];
      /** The relations its query reads (`INSERT … SELECT … FROM old`): none for VALUES. */
      reads: QualifiedName[];
    }
  | {
      kind: 'transaction-control';
      action: TransactionAction;
      /** The first keyword as written, upper-case: `END` is a COMMIT and `ABORT` a ROLLBACK to PostgreSQL. */
      keyword: string;
    }
  | {
      /** SET / RESET of a run-time setting, SET ROLE, SET SESSION AUTHORIZATION, SET TIME ZONE. */
      kind: 'set';
      /** PostgreSQL's lower-case name (`search_path`, `role`, `session_authorization`, `timezone`); `all` for RESET ALL. */
      name: string;
      /** `reset` also for `SET … TO DEFAULT`, which restores the default as RESET does. */
      action: 'set' | 'reset';
      /** Ends with the transaction: SET LOCAL, SET TRANSACTION, SET CONSTRAINTS. */
      local: boolean;
    }
  | { kind: 'vacuum'; analyzeOnly: boolean; tables: QualifiedName[]; /** VACUUM FULL. */ full: boolean }
  | { kind: 'cluster'; /** Absent for a bare `CLUSTER` (every clustered table). */ table?: QualifiedName }
  | {
      kind: 'reindex';
      target: 'index' | 'table' | 'schema' | 'system' | 'database';
      name?: QualifiedName;
      concurrently: boolean;
    }
  | {
      kind: 'do-block';
      language: string;
      /**
       * The SQL the PL/pgSQL body runs, in order: its plain SQL statements,
       * `EXECUTE '<constant string>'`, and COMMIT/ROLLBACK. Empty for other
       * languages and for bodies PL/pgSQL cannot compile.
       */
      statements: Statement[];
    }
  | { kind: 'other'; command: string };

export type StatementKind = StatementView['kind'];

/** The view of one statement kind, e.g. `ViewOf<'create-table'>`. */
export type ViewOf<K extends StatementKind> = Extract<StatementView, { kind: K }>;

/** src/lint: the engine, the rule API, disable comments and the schema model. */
export { lintSequence, SYNTAX_ERROR, UNKNOWN_RULE, UNUSED_DISABLE, type LintInput, type ParseCache } from './engine.js';
export type * from './rule.js';
export type { Diagnostic, DiagnosticSeverity, LintResult } from './diagnostic.js';
export { SchemaModel, objectKey, parseTableName, DEFAULT_SCHEMA } from './schema.js';
export type { ColumnInfo, ForeignKeyInfo, ObjectKey, TableInfo, TypeInfo } from './schema.js';

/**
 * The public API (DESIGN.md §6): what the CLI does, for applications that
 * migrate on start-up and for tests. Nothing here exits or prints; failures
 * are thrown as SqlmigError subclasses with a stable `code`.
 */
export { loadConfig, resolveConnection } from './config/index.js';
export type { Config, ResolvedConnection } from './config/types.js';
export { lintProject as lint, type LintProjectOptions as LintOptions } from './lint/project.js';
export { migrate, type MigrateOptions, type MigrateResult, type LintGate } from './runner/migrate.js';
export type { Confirm } from './runner/confirm.js';
export { migrateMany, type MigrateManyOptions, type ManyOptions, type ManyResult, type TargetResult } from './runner/many.js';
export type { TargetSpec } from './runner/targets.js';
export { status, history, validate, type ValidateOptions, type ValidateResult } from './runner/inspect.js';
export { stamp, resolve, type Resolution } from './runner/admin.js';
export type { RunnerOptions } from './runner/session.js';
export type { RunEvent } from './runner/events.js';
export type { StatusRow, MigrationState } from './runner/status.js';
export type { AppliedMigration, PlanStep, Refusal, RefusalKind } from './runner/types.js';
export type { StepResult } from './runner/execute.js';
export { PlanRefusedError, LintRefusedError } from './runner/refused.js';
export * from './errors.js';
export {
  verify,
  type VerifyOptions,
  type VerifyResult,
  type VerifyEvent,
  type MigrationVerification,
  type VerificationStatus,
} from './verify/verify.js';
export { takeSnapshot, diffSnapshots, describeChange, type CatalogSnapshot, type CatalogObject, type SchemaChange } from './verify/snapshot.js';
export { dump, renderDump, type DumpOptions, type DumpResult, type DumpEvent } from './dump/dump.js';
export { readCatalog, objectKey, type DumpCatalog, type SchemaObject } from './dump/catalog.js';
export {
  renderObject,
  renderStatements,
  orderStatements,
  columnDefinition,
  SchemaIndex,
  type RenderedStatement,
} from './dump/render.js';
export { literal as sqlLiteral } from './dump/definitions.js';
export { loadDump, dumpDifferences } from './dump/check.js';
export { diff, type DiffOptions, type DiffResult, type DraftedMigration } from './diff/diff.js';
export type { DraftNote } from './diff/statements.js';

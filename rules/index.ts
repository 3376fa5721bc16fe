/** The rule registry, sorted by id. Add a rule here when you add rules/<id>.ts. */
import type { Rule } from '../src/lint/rule.js';
import banChar from './ban-char.js';
import preferTimestamptz from './prefer-timestamptz.js';
import preferIdentity from './prefer-identity.js';
import preferBigint from './prefer-bigint.js';
import enumValueInTransaction from './enum-value-in-transaction.js';
import uniqueNeedsIndex from './unique-needs-index.js';
import tableRewrite from './table-rewrite.js';
import setNotNullScan from './set-not-null-scan.js';
import constraintNotValid from './constraint-not-valid.js';
import breakingChange from './breaking-change.js';
import concurrentlyInTransaction from './concurrently-in-transaction.js';
import destructiveChange from './destructive-change.js';
import downRevertsUp from './down-reverts-up.js';
import editedMigration from './edited-migration.js';
import fkOrder from './fk-order.js';
import migrationFilename from './migration-filename.js';
import notNullNeedsDefault from './not-null-needs-default.js';
import requireConcurrentIndex from './require-concurrent-index.js';
import requireDown from './require-down.js';
import requireIfExists from './require-if-exists.js';
import requireIfNotExists from './require-if-not-exists.js';
import schemaQualified from './schema-qualified.js';
import separateSchemaAndData from './separate-schema-and-data.js';
import serverVersionSyntax from './server-version-syntax.js';
import sessionSetting from './session-setting.js';
import staleSchemaDump from './stale-schema-dump.js';
import statusColumnVarchar from './status-column-varchar.js';
import transactionControl from './transaction-control.js';

export const rules: readonly Rule[] = [
  banChar,
  preferTimestamptz,
  preferIdentity,
  preferBigint,
  enumValueInTransaction,
  uniqueNeedsIndex,
  tableRewrite,
  setNotNullScan,
  constraintNotValid,
  breakingChange,
  concurrentlyInTransaction,
  destructiveChange,
  downRevertsUp,
  editedMigration,
  fkOrder,
  migrationFilename,
  notNullNeedsDefault,
  requireConcurrentIndex,
  requireDown,
  requireIfExists,
  requireIfNotExists,
  schemaQualified,
  separateSchemaAndData,
  serverVersionSyntax,
  sessionSetting,
  staleSchemaDump,
  statusColumnVarchar,
  transactionControl,
].sort((a, b) => (a.id < b.id ? -1 : 1));

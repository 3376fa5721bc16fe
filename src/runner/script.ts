import type { MigrationSource } from '../migrations/types.js';
import { refuseTransactionControl } from './split.js';
import { quoteIdentifier, quoteLiteral } from './sql-quote.js';
import {
  deleteRowSql,
  insertAppliedSql,
  insertDirtySql,
  markCleanSql,
  markDirtySql,
  type TrackingTable,
} from './tracking.js';
import type { PlanStep } from './types.js';

/** Session settings every migration runs with (config lockTimeout / statementTimeout; null leaves the server's). */
export interface RunSettings {
  lockTimeout: string | null;
  statementTimeout: string | null;
  /** Schema-per-tenant: the tenant's schema, the only one on search_path while its migrations run. */
  searchPath?: string;
}

/** One statement of a no-transaction file, with where it starts in the file (string offset). */
export interface ScriptStatement {
  text: string;
  start: number;
}

/**
 * What the executor sends for one step. A transactional step is ONE
 * simple-protocol message: BEGIN, the SET LOCALs, the file, its tracking
 * statement, COMMIT (one round trip; the row commits with the migration or
 * not at all). A no-transaction step is a sequence of messages.
 */
export type StepScript =
  | {
      mode: 'transaction';
      step: PlanStep;
      source: MigrationSource;
      /** The SET LOCAL statements of the timeouts. */
      settings: string[];
      /** What is sent before the file's text: BEGIN and the settings. */
      prefix: string;
      text: string;
    }
  | {
      mode: 'no-transaction';
      step: PlanStep;
      source: MigrationSource;
      /** Marks the row dirty and sets the session's timeouts. */
      before: string;
      statements: ScriptStatement[];
      /** Resets the timeouts and records the outcome (clean row, or row deleted). */
      after: string;
    };

export interface ScriptContext {
  table: TrackingTable;
  settings: RunSettings;
  /** Host name recorded in applied_by. */
  host: string;
  /** Splits a no-transaction file into statements; each runs as its own message. */
  split: (source: MigrationSource) => ScriptStatement[];
  /** Sent after each migration: resets the session's settings, role and search_path (DatabaseSession.resetSql). */
  reset: string;
}

/** The statement that sits after a file's text: a newline ends a trailing `--` comment, `;` a last statement without one. */
const AFTER_FILE = '\n;\n';

export function stepScript(step: PlanStep, source: MigrationSource, upChecksum: string, context: ScriptContext): StepScript {
  const { table, host } = context;
  const row = { version: step.version, name: step.name, checksum: upChecksum };
  if (source.directives.noTransaction) {
    const mark = step.direction === 'up' ? insertDirtySql(table, row, host) : markDirtySql(table, step.version);
    const record = step.direction === 'up' ? markCleanSql(table, step.version) : deleteRowSql(table, step.version);
    return {
      mode: 'no-transaction',
      step,
      source,
      before: [mark, ...settingStatements(context.settings, 'SET')].join('\n'),
      statements: context.split(source),
      after: [...resetStatements(context.settings), record, context.reset].join('\n'),
    };
  }
  refuseTransactionControl(source);
  const settings = settingStatements(context.settings, 'SET LOCAL');
  const prefix = ['BEGIN;', ...settings, ''].join('\n');
  const record = step.direction === 'up' ? insertAppliedSql(table, row, host) : deleteRowSql(table, step.version);
  return { mode: 'transaction', step, source, settings, prefix, text: `${prefix}${source.text}${AFTER_FILE}${record}\nCOMMIT;\n${context.reset}` };
}

/** The script as `--sql` prints it: exactly what is sent, one message after another. */
export function renderScript(script: StepScript): string {
  const header = `-- ${script.source.file.fileName}`;
  if (script.mode === 'transaction') return `${header}\n${script.text}\n`;
  const statements = script.statements.map((statement) => `${statement.text};`);
  return [`${header} (outside a transaction; each statement is sent on its own)`, script.before, ...statements, script.after, ''].join('\n');
}

function settingStatements(settings: RunSettings, command: 'SET' | 'SET LOCAL'): string[] {
  const statements: string[] = [];
  if (settings.lockTimeout !== null) statements.push(`${command} lock_timeout = ${quoteLiteral(settings.lockTimeout)};`);
  if (settings.statementTimeout !== null) {
    statements.push(`${command} statement_timeout = ${quoteLiteral(settings.statementTimeout)};`);
  }
  if (settings.searchPath !== undefined) statements.push(`${command} search_path TO ${quoteIdentifier(settings.searchPath, 'schema')};`);
  return statements;
}

function resetStatements(settings: RunSettings): string[] {
  const statements: string[] = [];
  if (settings.lockTimeout !== null) statements.push('RESET lock_timeout;');
  if (settings.statementTimeout !== null) statements.push('RESET statement_timeout;');
  if (settings.searchPath !== undefined) statements.push('RESET search_path;');
  return statements;
}

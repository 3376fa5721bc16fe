/** What the reliability tests share: a password to hunt for in output, output checks, and polling the server. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { CliResult } from '../fixtures/runner/project.js';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';

/**
 * A distinctive password with the characters URLs get wrong. The test server
 * trusts every local connection, so any URL may carry it; every test then
 * checks that no output shows it.
 */
export const PASSWORD = `p@ss:w/rd%"'-${randomBytes(4).toString('hex')}`;

/** `url` with PASSWORD for its user (percent-encoded, as a URL must carry it). */
export function withPassword(url: string, password = PASSWORD): string {
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** This test file's own database (created before its tests, dropped after them) and its URL carrying PASSWORD. */
export function freshDatabaseWithPassword(): { readonly db: FreshDatabase; readonly url: string } {
  const server = {} as { db: FreshDatabase; url: string };
  beforeAll(async () => {
    server.db = await freshDatabase();
    server.url = withPassword(server.db.url);
  });
  afterAll(async () => {
    await server.db?.drop();
  });
  return server;
}

/**
 * What every run must look like, whatever went wrong: an exit code the CLI
 * documents, no stack trace, no internal error or unhandled rejection, and
 * no password in any form.
 */
export function expectCleanOutput(
  result: CliResult,
  options: { codes?: number[]; secrets?: string[]; context?: string; verbose?: boolean } = {},
): void {
  const output = result.stdout + result.stderr;
  const context = `${options.context ?? ''}\nexit ${result.code}\n${output.slice(0, 4000)}`;
  expect(options.codes ?? [0, 1, 2], context).toContain(result.code);
  // --verbose prints stack traces on purpose.
  if (!options.verbose) expect(output, context).not.toContain('\n    at ');
  expect(output, context).not.toMatch(/internal error|unhandled|uncaught/i);
  for (const secret of options.secrets ?? [PASSWORD]) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) expect(output, context).not.toContain(form);
  }
}

/** Advisory locks anyone holds in the database at `url` (sqlmig's migration lock is one). */
export async function advisoryLocks(url: string): Promise<number> {
  const [row] = await withConnection(url, (sql) => sql`
    SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
  return row!.n as number;
}

/** Polls `check` every 50 ms until it returns true; fails after `timeoutMs`. */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until a sqlmig session of the database at `url` is running a query that contains `text`. */
export function waitForRunning(url: string, text: string): Promise<void> {
  return waitFor(`a sqlmig session running "${text}"`, async () => {
    const rows = await withConnection(url, (sql) => sql`
      SELECT 1 FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'sqlmig' AND state = 'active' AND position(${text} IN query) > 0`);
    return rows.length > 0;
  });
}

/** Waits until no advisory lock is held in the database (a dead runner's session may take a moment to end). */
export function waitForNoLock(url: string, timeoutMs = 5_000): Promise<void> {
  return waitFor('the migration lock to be released', async () => (await advisoryLocks(url)) === 0, timeoutMs);
}

/**
 * Waits until a sqlmig session has tried for the migration lock (it polls pg_try_advisory_lock between pauses and
 * never blocks in pg_advisory_lock, so its session is mostly idle while it waits).
 */
export function waitForLockWaiter(url: string): Promise<void> {
  return waitFor('a sqlmig session waiting for the migration lock', async () => {
    const rows = await withConnection(url, (sql) => sql`
      SELECT 1 FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'sqlmig' AND position('pg_try_advisory_lock' IN query) > 0`);
    return rows.length > 0;
  });
}

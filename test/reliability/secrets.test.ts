/**
 * The password never appears in any output of a failing run, wherever it
 * came from: --url, DATABASE_URL, POSTGRES_PASSWORD or PGPASSWORD, with
 * --verbose (stack traces included). The server trusts local connections,
 * so every source can carry a distinctive password and still connect.
 * (test/integration/runner-secrets.test.ts covers successful runs and a
 * real password-protected role.)
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { lockKeySql } from '../../src/runner/lock.js';
import { trackingTable } from '../../src/runner/tracking.js';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';
import { cli, createProject, startCli, type Project } from '../fixtures/runner/project.js';
import { expectCleanOutput, waitForRunning, withPassword } from './helpers.js';

let db: FreshDatabase;
let project: Project;
beforeAll(async () => {
  db = await freshDatabase();
  project = await createProject({ config: { lockWait: 0 } });
  await project.write('0001_fails.up.sql', 'CREATE TABLE IF NOT EXISTS one (id int);\nSELECT * FROM no_such_table;\n');
});
afterAll(async () => {
  await project?.cleanup();
  await db?.drop();
});

type Target = { port?: string; database?: string };
interface Source {
  name: string;
  password: string;
  /** Arguments and environment that connect to the test database, or to another port or database. */
  connect(target?: Target): { args: string[]; env: Record<string, string> };
}

const secret = (name: string) => `p@ss:w/rd%"'-${name}-${randomBytes(4).toString('hex')}`;

function sources(): Source[] {
  const server = new URL(db.url);
  const at = (target: Target = {}) => ({ host: server.hostname, port: target.port ?? (server.port || '5432'), database: target.database ?? db.name });
  const url = (password: string, target?: Target) => {
    const parsed = new URL(withPassword(db.url, password));
    parsed.port = at(target).port;
    parsed.pathname = `/${at(target).database}`;
    return parsed.toString();
  };
  const urlPassword = secret('url');
  const envPassword = secret('database-url');
  const postgresPassword = secret('postgres-password');
  const pgPassword = secret('pgpassword');
  return [
    { name: '--url', password: urlPassword, connect: (target) => ({ args: ['--url', url(urlPassword, target)], env: {} }) },
    { name: 'DATABASE_URL', password: envPassword, connect: (target) => ({ args: [], env: { DATABASE_URL: url(envPassword, target) } }) },
    {
      name: 'POSTGRES_PASSWORD',
      password: postgresPassword,
      connect: (target) => {
        const { host, port, database } = at(target);
        return { args: [], env: { POSTGRES_HOST: host, POSTGRES_PORT: port, POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: postgresPassword, POSTGRES_DB: database } };
      },
    },
    {
      name: 'PGPASSWORD',
      password: pgPassword,
      connect: (target) => {
        const { host, port, database } = at(target);
        return { args: [], env: { PGHOST: host, PGPORT: port, PGUSER: 'postgres', PGPASSWORD: pgPassword, PGDATABASE: database } };
      },
    },
  ];
}

/** Each failing path: what to run, and the exit code and message it must end with. */
const failingPaths: Array<{ path: string; target?: Target; args: string[]; code: number; message: string; holdLock?: boolean }> = [
  { path: 'a failing migration', args: ['up', '--no-lint'], code: 1, message: 'relation "no_such_table" does not exist' },
  { path: 'the lock held by another session', args: ['up', '--no-lint'], code: 2, message: 'another run holds the migration lock', holdLock: true },
  { path: 'a refused connection', target: { port: '1' }, args: ['status'], code: 2, message: 'connection refused' },
  { path: 'a missing database', target: { database: 'no_such_database' }, args: ['history'], code: 2, message: 'database "no_such_database" does not exist' },
  { path: 'the lint gate', args: ['up'], code: 1, message: 'lint error' },
  { path: 'a usage error', args: ['up', '--bogus'], code: 2, message: "unknown option '--bogus'" },
  { path: 'a bad --lock-wait', args: ['up', '--lock-wait', 'soon'], code: 2, message: '--lock-wait expects a number of seconds' },
];

describe('a password never appears in the output of a failing run', () => {
  it.each(failingPaths)('$path, for each of --url, DATABASE_URL, POSTGRES_PASSWORD, PGPASSWORD (--verbose)', async ({ target, args, code, message, holdLock }) => {
    if (holdLock) {
      const holder = postgres(db.url, { max: 1, onnotice: () => {} });
      onTestFinished(() => holder.end());
      await holder.unsafe(`SELECT pg_advisory_lock(${lockKeySql(trackingTable('public', 'sqlmig_migrations'))})`);
    }
    for (const source of sources()) {
      const connection = source.connect(target);
      const result = await cli(project, ['--verbose', ...connection.args, ...args], connection.env);
      expectCleanOutput(result, { codes: [code], secrets: [source.password], context: source.name, verbose: true });
      expect(result.stderr, source.name).toContain(message);
    }
  });

  it('a bad config file, for each source', async () => {
    const broken = await createProject({ config: { lockWait: 'soon' } });
    onTestFinished(() => broken.cleanup());
    for (const source of sources()) {
      const connection = source.connect();
      const result = await cli(broken, ['--verbose', ...connection.args, 'up'], connection.env);
      expectCleanOutput(result, { codes: [2], secrets: [source.password], context: source.name, verbose: true });
      expect(result.stderr).toContain('lockWait must be a number of seconds');
    }
  });

  it('Ctrl-C during a migration (the built CLI), for each source', async () => {
    const slow = await createProject();
    onTestFinished(() => slow.cleanup());
    await slow.write('0001_slow.up.sql', 'SELECT pg_sleep(30);\n');
    for (const source of sources()) {
      const connection = source.connect();
      const { child, result } = startCli(slow, ['--verbose', ...connection.args, 'up', '--no-lint'], connection.env);
      await waitForRunning(db.url, 'pg_sleep(30)');
      child.kill('SIGINT');
      const stopped = await result;
      expectCleanOutput(stopped, { codes: [130], secrets: [source.password], context: source.name, verbose: true });
      expect(stopped.stderr).toContain('canceling statement due to user request');
    }
  });
});

import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export interface FreshDatabase {
  /** URL of the new, empty database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

interface Server {
  url: string;
  stop(): Promise<void>;
}

let server: Promise<Server> | undefined;
let live = 0;

/**
 * A new, uniquely named database, so test files run in parallel without
 * seeing each other: create it in beforeAll, drop it in afterAll. The server
 * comes from SQLMIG_TEST_DATABASE_URL, else a testcontainers PostgreSQL;
 * without either, the test fails with instructions (never skips silently).
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  server ??= startServer();
  const { url: serverUrl } = await server;
  const name = `sqlmig_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (sql) => sql.unsafe(`CREATE DATABASE ${name}`));
  live++;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withAdmin(serverUrl, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      if (--live === 0 && server) {
        const running = server;
        server = undefined;
        await (await running).stop();
      }
    },
  };
}

/** Runs `work` on a short-lived connection to the database at `url` (for checking what a test left behind). */
export async function withConnection<T>(url: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function withAdmin(url: string, work: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  await withConnection(url, work);
}

async function startServer(): Promise<Server> {
  const fromEnv = process.env.SQLMIG_TEST_DATABASE_URL;
  if (fromEnv) return { url: fromEnv, stop: async () => {} };
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:15-alpine').start();
    return { url: container.getConnectionUri(), stop: async () => void (await container.stop()) };
  } catch (error) {
    throw new Error(
      'integration tests need PostgreSQL: set SQLMIG_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) ' +
        `or make Docker available for testcontainers (it failed: ${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

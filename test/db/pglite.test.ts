import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../../src/config/types.js';
import { openDatabase, ServerError, type DatabaseSession } from '../../src/db/index.js';
import { extensionsNamedIn } from '../../src/db/pglite-extensions.js';
import { templatePath } from '../../src/db/pglite-template.js';
import { ConnectionError } from '../../src/errors.js';

/** What resolveConnection returns for `pglite://<folder>` (or memory). */
function pglite(dataDir: string | null): ResolvedConnection {
  const url = dataDir === null ? 'pglite://memory' : `pglite://${dataDir}`;
  return { url, redacted: url, source: '--url', secrets: [], pglite: { dataDir } };
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sqlmig-pglite-'));
  // This file's own cache folder for the initdb template (the variable is read when a database opens).
  process.env.XDG_CACHE_HOME = join(root, 'cache');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('pglite data folder', () => {
  it('creates missing parent folders and keeps the data between sessions', async () => {
    const folder = join(root, 'a', 'b', 'db');
    const first = await openDatabase(pglite(folder));
    await first.exec('CREATE TABLE kept (id int); INSERT INTO kept VALUES (7);');
    await first.close();
    expect(existsSync(`${folder}.lock`)).toBe(false);

    const second = await openDatabase(pglite(folder));
    expect(await second.query('SELECT id FROM kept')).toEqual([{ id: 7 }]);
    await second.close();
  });

  it('lets one session at a time hold the folder and names the holder', async () => {
    const folder = join(root, 'busy');
    const holder = await openDatabase(pglite(folder));
    const waits: string[] = [];
    const error = await openDatabase(pglite(folder), { wait: 0.3, onRetry: (reason) => waits.push(reason) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('DATABASE_BUSY');
    expect(waits).toEqual([`the embedded database ${folder} is in use by another session of this process`]);
    await holder.close();
    await (await openDatabase(pglite(folder), { wait: 0 })).close();
  });

  it('waits for another process holding the folder, naming its pid, and takes over once it is gone', async () => {
    const folder = join(root, 'other-process');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const pid = other.pid!;
    await writeFile(`${folder}.lock`, JSON.stringify({ pid, host: hostname(), since: '2024-01-01T00:00:00.000Z' }));
    const error = await openDatabase(pglite(folder), { wait: 0 }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`in use by process ${pid} (since 2024-01-01T00:00:00.000Z)`);
    expect((error as ConnectionError).hint).toContain(`${folder}.lock`);

    const exited = new Promise((resolve) => other.once('exit', resolve));
    other.kill();
    await exited;
    const session = await openDatabase(pglite(folder), { wait: 0 });
    await session.close();
  });

  it('explains a folder that is not a PGlite database', async () => {
    const folder = join(root, 'not-a-database');
    await openDatabase(pglite(join(folder, 'x'))).then((db) => db.close());
    await writeFile(join(folder, 'x', 'PG_VERSION'), '9\n');
    const error = await openDatabase(pglite(join(folder, 'x'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).hint).toContain('delete');
    expect(existsSync(join(folder, 'x.lock'))).toBe(false);
  });
});

describe('pglite extensions', () => {
  let db: DatabaseSession;
  beforeAll(async () => {
    db = await openDatabase(pglite(null));
  });
  afterAll(async () => {
    await db.close();
  });

  it('finds the extensions a script creates or updates', () => {
    expect(
      extensionsNamedIn('create extension if not exists pg_trgm;\nCREATE EXTENSION "uuid-ossp" SCHEMA x; ALTER EXTENSION Citext UPDATE;'),
    ).toEqual(['pg_trgm', 'uuid-ossp', 'citext']);
  });

  it('installs a shipped contrib extension when a script creates it', async () => {
    await db.exec(
      "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE TABLE posts (title text); CREATE INDEX ON posts USING gin (title gin_trgm_ops); INSERT INTO posts VALUES ('hello world');",
    );
    expect(await db.query("SELECT similarity(title, 'hello') > 0 AS similar FROM posts WHERE title % 'hello'")).toEqual([{ similar: true }]);
  });

  it('installs what an extension requires (earthdistance needs cube) and extensions bundled together (spi)', async () => {
    await db.exec('CREATE EXTENSION earthdistance CASCADE; CREATE EXTENSION moddatetime; CREATE EXTENSION "uuid-ossp";');
    const rows = await db.query<{ extname: string }>('SELECT extname FROM pg_extension ORDER BY 1');
    expect(rows.map((row) => row.extname)).toEqual(['cube', 'earthdistance', 'moddatetime', 'pg_trgm', 'plpgsql', 'uuid-ossp']);
  });

  it('names an extension PGlite does not ship and lists those it does', async () => {
    const error = await db.exec('CREATE EXTENSION IF NOT EXISTS postgis;').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).message).toBe('extension "postgis" is not available');
    expect((error as ServerError).hint).toMatch(/does not ship the extension "postgis"; it ships .*pg_trgm/);
  });

  it('reloads the files of extensions created in an earlier session of a folder', async () => {
    const folder = join(root, 'extensions');
    const first = await openDatabase(pglite(folder));
    await first.exec('CREATE EXTENSION pg_trgm; CREATE TABLE t (title text); CREATE INDEX ON t USING gin (title gin_trgm_ops);');
    await first.close();
    const second = await openDatabase(pglite(folder));
    await second.exec("INSERT INTO t VALUES ('needs the trigram functions');");
    expect(await second.query("SELECT similarity(title, 'trigram') > 0 AS similar FROM t")).toEqual([{ similar: true }]);
    await second.close();
  });
});

describe('pglite in memory', () => {
  it('keeps what initdb made as a template and starts later databases from it, empty', async () => {
    await rm(templatePath(), { force: true });
    const first = await openDatabase(pglite(null));
    expect(existsSync(templatePath())).toBe(true);
    await first.exec('CREATE TABLE only_in_the_first (id int);');
    await first.close();

    const second = await openDatabase(pglite(null));
    expect(await second.query("SELECT to_regclass('only_in_the_first') IS NULL AS empty")).toEqual([{ empty: true }]);
    await second.close();
  });

  it('replaces a template it cannot start from', async () => {
    await mkdir(join(templatePath(), '..'), { recursive: true });
    await writeFile(templatePath(), 'not a tarball');
    const db = await openDatabase(pglite(null));
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await db.close();
    expect(statSync(templatePath()).size).toBeGreaterThan(1_000_000);
  });
});

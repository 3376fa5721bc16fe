/**
 * The gate in `up` lints with the version the server reports, not the one the
 * config states: a NOT NULL table constraint (PostgreSQL 18 syntax, which the
 * parser accepts) is refused before anything runs on the test server (15);
 * `lint --url` asks the server the same way.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freshDatabase, withConnection, type FreshDatabase } from '../helpers/database.js';
import { cli, createProject } from '../fixtures/runner/project.js';

let db: FreshDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

const COUPONS = 'CREATE TABLE IF NOT EXISTS coupons (\n  code text,\n  CONSTRAINT coupons_code_not_null NOT NULL code\n);\n';

describe('server-version-syntax in the gate of up', () => {
  it('refuses syntax newer than the server although lint.postgresVersion claims 18; lint without a server trusts the config', async () => {
    const serverVersion = await withConnection(db.url, async (sql) => {
      const [row] = await sql.unsafe("SELECT current_setting('server_version_num')::int / 10000 AS major");
      return row!.major as number;
    });
    expect(serverVersion, 'this test needs a server older than PostgreSQL 18').toBeLessThan(18);
    const project = await createProject({ fixture: 'shop', config: { lint: { postgresVersion: 18 } } });
    onTestFinished(() => project.cleanup());
    await project.write('0004_create_coupons.up.sql', COUPONS);
    await project.write('0004_create_coupons.down.sql', 'DROP TABLE IF EXISTS coupons;\n');

    const lint = await cli(project, ['lint']);
    expect(lint.stdout + lint.stderr).not.toContain('server-version-syntax');
    // lint --url asks the server, as the gate does.
    const lintWithServer = await cli(project, ['--url', db.url, 'lint']);
    expect(lintWithServer.code).toBe(1);
    expect(lintWithServer.stdout).toMatch(/0004_create_coupons\.up\.sql:3:3 +error +.*PostgreSQL 18 or later; the server is \d+ +server-version-syntax/);

    const up = await cli(project, ['--url', db.url, 'up']);
    expect(up.code).toBe(1);
    const output = up.stdout + up.stderr;
    expect(output).toMatch(/0004_create_coupons\.up\.sql:3:3: .*PostgreSQL 18 or later; the server is \d+ \[server-version-syntax\]/);
    const tables = await withConnection(db.url, (sql) => sql.unsafe("SELECT to_regclass('public.coupons') AS coupons, to_regclass('public.orders') AS orders"));
    // Refused before anything ran: not even the earlier pending migrations.
    expect(tables[0]).toEqual({ coupons: null, orders: null });
  });
});

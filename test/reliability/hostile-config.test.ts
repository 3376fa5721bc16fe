/**
 * Hostile configuration: every key with a wrong type, names with quotes,
 * spaces or SQL in them, passwords with the characters URLs get wrong.
 * Clear errors with the file, line and column; nothing injected; no
 * password in any output.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig, migrate, status } from '../../src/index.js';
import { withConnection } from '../helpers/database.js';
import { cli, createProject, type Project } from '../fixtures/runner/project.js';
import { expectCleanOutput, freshDatabaseWithPassword, PASSWORD } from './helpers.js';

const server = freshDatabaseWithPassword();
beforeAll(async () => {
  await withConnection(server.db.url, (sql) => sql.unsafe('CREATE TABLE sentinel (id int); INSERT INTO sentinel VALUES (1)'));
});

async function projectWithConfig(configText: string): Promise<Project> {
  const project = await createProject();
  onTestFinished(() => project.cleanup());
  await writeFile(join(project.dir, '.migraterc.json'), configText);
  await project.write('0001_one.up.sql', 'CREATE TABLE IF NOT EXISTS one (id int);\n');
  return project;
}

async function sentinelIntact(): Promise<void> {
  expect(await withConnection(server.db.url, (sql) => sql`SELECT id FROM sentinel`)).toEqual([{ id: 1 }]);
}

describe('a config key with the wrong type or value', () => {
  it.each([
    ['{"dir": 42}', '1:9', 'dir must be a string, got 42'],
    ['{"databaseUrl": true}', '1:17', 'databaseUrl must be a string, got true'],
    ['{"schema": 5}', '1:12', 'schema must be a name, got 5'],
    ['{"table": {}}', '1:11', 'table must be a name, got an object'],
    ['{"lockTimeout": 10}', '1:17', 'lockTimeout must be a duration such as "10s" or null, got 10'],
    ['{"lockTimeout": "10"}', '1:17', 'add a unit, e.g. "10s"'],
    ['{"lockTimeout": "99999999999s"}', '1:17', 'lockTimeout must be at most 2147483647ms'],
    ['{"statementTimeout": true}', '1:22', 'statementTimeout must be a duration'],
    ['{"statementTimeout": "3 fortnights"}', '1:22', 'statementTimeout must be a duration'],
    ['{"lockWait": "60"}', '1:14', 'lockWait must be a number of seconds, got "60"'],
    ['{"lockWait": -1}', '1:14', 'lockWait must be 0 or more seconds, got -1'],
    ['{"lockWait": 1e999}', '1:14', 'lockWait must be a finite number of seconds, got Infinity'],
    ['{"$schema": 1}', '1:13', '$schema must be a string, got 1'],
    ['{"lint": "strict"}', '1:10', 'lint must be an object, got "strict"'],
    ['{"lint": {"rules": []}}', '1:20', 'lint.rules must be an object'],
    ['{"lint": {"rules": {"require-down": 2}}}', '1:37', 'did you mean "error"?'],
    ['{"lint": {"knownTables": "auth.users"}}', '1:26', 'write ["auth.users"]'],
    ['{"lint": {"statusColumns": [1]}}', '1:29', 'lint.statusColumns[0] must be a string, got 1'],
    ['{"environments": []}', '1:18', 'environments must be an object, got an array'],
    ['{"environments": {"prod": "x"}}', '1:27', 'environments.prod must be an object'],
    ['{"environments": {"prod": {"lockWait": "x"}}}', '1:40', 'environments.prod.lockWait must be a number of seconds'],
    ['{"lockwait": 5}', '1:2', 'unknown key "lockwait"'],
    ['[]', '1:1', 'the configuration must be an object, got an array'],
    ['{"dir": "sql",}', '1:', ''],
    ['{"dir": "sql"', '1:', ''],
    ['', '', 'the configuration file is empty'],
    ['{"dir": "sql"} trailing', '1:', ''],
  ])('%s: exit 2 at .migraterc.json:%s', async (configText, position, message) => {
    const project = await projectWithConfig(configText);
    for (const command of [['up'], ['lint'], ['status']]) {
      const result = await cli(project, ['--url', server.url, ...command]);
      expectCleanOutput(result, { codes: [2], context: `${configText}: ${command.join(' ')}` });
      expect(result.stderr).toContain(`error: .migraterc.json:${position}`);
      expect(result.stderr).toContain(message);
    }
  });
});

describe('schema and table names with quotes, spaces or SQL in them', () => {
  const hostileNames = [`x"; DROP TABLE sentinel; --`, 'my schema', "O'Brien", "t'); DROP TABLE sentinel; --", 'a.b', 'ünïcödé', '$1'];

  it.each(hostileNames.flatMap((name) => [['schema', name], ['table', name]]))('"%s": %s in .migraterc.json is refused', async (key, name) => {
    const project = await projectWithConfig(JSON.stringify({ dir: 'sql', [key]: name }));
    const result = await cli(project, ['--url', server.url, 'up', '--no-lint']);
    expectCleanOutput(result, { codes: [2] });
    expect(result.stderr).toContain(`error: .migraterc.json:1:`);
    expect(result.stderr).toContain(`${key} must be a plain name`);
    await sentinelIntact();
  });

  it('and through ${VAR} interpolation', async () => {
    const project = await projectWithConfig('{"dir": "sql", "schema": "${APP_SCHEMA}"}');
    const result = await cli(project, ['--url', server.url, 'status'], { APP_SCHEMA: 'public; DROP TABLE sentinel' });
    expectCleanOutput(result, { codes: [2] });
    expect(result.stderr).toContain('schema must be a plain name: "public; DROP TABLE sentinel" (from "${APP_SCHEMA}") contains a space');
    await sentinelIntact();
  });

  it('given to the library directly (no validation): quoted, so they name exactly that schema and table', async () => {
    const project = await projectWithConfig('{"dir": "sql"}');
    const base = await loadConfig({ cwd: project.dir, env: {} });
    for (const [schema, table] of [
      [`x"; DROP TABLE sentinel; --`, "t'); DROP TABLE sentinel; --"],
      ['my schema', 'O\'Brien "quoted"'],
    ] as const) {
      const config = { ...base, schema, table, lockTimeout: "1s'; DROP TABLE sentinel; --" };
      // The timeout is not a duration: the server refuses the SET, and the migration rolls back.
      await expect(migrate({ config, url: server.url, cwd: project.dir, lintGate: false })).rejects.toThrow(/invalid value for parameter "lock_timeout"/);
      const applied = await migrate({ config: { ...config, lockTimeout: '5s' }, url: server.url, cwd: project.dir, lintGate: false });
      expect(applied.steps.map((step) => step.version)).toEqual([1]);
      expect((await status({ config, url: server.url, cwd: project.dir })).map((row) => row.state)).toEqual(['applied']);
      const [row] = await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT count(*)::int AS n FROM "${schema.replaceAll('"', '""')}"."${table.replaceAll('"', '""')}"`));
      expect(row).toEqual({ n: 1 });
      await withConnection(server.db.url, (sql) => sql.unsafe('DROP TABLE one'));
    }
    await sentinelIntact();
  });
});

describe('passwords with the characters URLs get wrong', () => {
  const raw = (password: string) => `postgres://postgres:${password}@127.0.0.1:${new URL(server.db.url).port || 5432}/${server.db.name}`;
  const serverVars = (prefix: 'POSTGRES_' | 'PG') => {
    const parsed = new URL(server.db.url);
    return prefix === 'PG'
      ? { PGHOST: parsed.hostname, PGPORT: parsed.port || '5432', PGUSER: 'postgres', PGPASSWORD: PASSWORD, PGDATABASE: server.db.name }
      : { POSTGRES_HOST: parsed.hostname, POSTGRES_PORT: parsed.port || '5432', POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: PASSWORD, POSTGRES_DB: server.db.name };
  };

  it('percent-encoded in --url and DATABASE_URL, or raw in POSTGRES_PASSWORD and PGPASSWORD: connects, never shows it', async () => {
    const project = await projectWithConfig('{"dir": "sql", "schema": "odd_passwords"}');
    for (const [args, env] of [
      [['--url', server.url], {}],
      [[], { DATABASE_URL: server.url }],
      [[], serverVars('POSTGRES_')],
      [[], serverVars('PG')],
    ] as const) {
      const result = await cli(project, ['--verbose', ...args, 'status'], env);
      expectCleanOutput(result, { codes: [0], context: JSON.stringify(env) });
      expect(result.stdout).toMatch(/0001\s+one\s+/);
    }
  });

  it('not percent-encoded in --url or DATABASE_URL: exit 2 saying how to encode it, without quoting it', async () => {
    const project = await projectWithConfig('{"dir": "sql"}');
    for (const [args, env, source] of [
      [['--url', raw(PASSWORD)], {}, 'the --url option'],
      [[], { DATABASE_URL: raw(PASSWORD) }, 'the DATABASE_URL variable'],
    ] as const) {
      const result = await cli(project, [...args, 'status'], env);
      expectCleanOutput(result, { codes: [2], context: source });
      expect(result.stderr).toContain(`error: ${source} has an unencoded `);
      expect(result.stderr).toContain('percent-encode special characters in the user name and password: @ → %40');
      // Not even the fragments a misparse would produce.
      for (const fragment of PASSWORD.split(/[@:/]/).filter((part) => part.length >= 3)) expect(result.stderr).not.toContain(fragment);
    }
  });
});

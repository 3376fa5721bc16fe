import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { loadConfig } from '../../src/config/index.js';
import { fakeIO } from '../helpers/io.js';
import { tempProject } from './helpers.js';

const expectedConfig = `{
  "$schema": "./node_modules/sqlmig/schema.json",
  "dir": "sql",
  "databaseUrl": "\${DATABASE_URL:-pglite://.sqlmig/pglite}",
  "schema": "public",
  "table": "sqlmig_migrations",
  "lockTimeout": "10s",
  "lockWait": 60,
  "statementTimeout": null,
  "lint": {
    "rules": {},
    "knownTables": [],
    "statusColumns": [
      "status",
      "state",
      "*_status",
      "*_state"
    ]
  }
}
`;

describe('sqlmig init', () => {
  it('writes .migraterc.json and sql/, says what it made and what comes next; a second run refuses (exit 2)', async () => {
    const cwd = tempProject();
    const io = fakeIO({ cwd });
    expect(await run(['init'], io)).toBe(0);
    expect(readFileSync(join(cwd, '.migraterc.json'), 'utf8')).toBe(expectedConfig);
    expect(statSync(join(cwd, 'sql')).isDirectory()).toBe(true);
    expect(io.stdoutText()).toBe('created .migraterc.json\ncreated sql/\n');
    expect(io.stderrText()).toBe(
      'next: sqlmig new "create users"\nadd .sqlmig/ to .gitignore: the embedded database (used when no database URL is set) lives there\n',
    );

    writeFileSync(join(cwd, '.migraterc.json'), '{"table": "mine"}');
    const again = fakeIO({ cwd });
    expect(await run(['init'], again)).toBe(2);
    expect(again.stderrText()).toBe(
      'error: .migraterc.json: the config file already exists; not overwriting it\nhint: edit it, or delete it and run `sqlmig init` again\n',
    );
    expect(readFileSync(join(cwd, '.migraterc.json'), 'utf8')).toBe('{"table": "mine"}');
  });

  it('writes a config that loads back to the defaults', async () => {
    const cwd = tempProject();
    expect(await run(['init'], fakeIO({ cwd }))).toBe(0);
    const config = await loadConfig({ cwd, env: {} });
    expect(config).toMatchObject({ configFile: join(cwd, '.migraterc.json'), dir: join(cwd, 'sql'), databaseUrl: 'pglite://.sqlmig/pglite', schema: 'public' });
    expect((await loadConfig({ cwd, env: { DATABASE_URL: 'postgres://h/db' } })).databaseUrl).toBe('postgres://h/db');
  });

  it('keeps an existing migrations folder, honours --dir, and stays quiet about .gitignore when it lists .sqlmig/', async () => {
    const cwd = tempProject({ 'db/migrations/0001_x.up.sql': 'select 1;', '.gitignore': 'node_modules/\n.sqlmig/\n' });
    const io = fakeIO({ cwd });
    expect(await run(['init', '--dir', 'db/migrations'], io)).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, '.migraterc.json'), 'utf8')).dir).toBe('db/migrations');
    expect(io.stdoutText()).toBe('created .migraterc.json\nusing the existing folder db/migrations/\n');
    expect(io.stderrText()).toBe(
      'lint.baseline is 1: lint reports on migrations after it, not on the ones already there\nnext: sqlmig new "create users"\n',
    );
  });

  it('--quiet prints only what was created', async () => {
    const cwd = tempProject();
    const io = fakeIO({ cwd });
    expect(await run(['--quiet', 'init'], io)).toBe(0);
    expect(io.stdoutText()).toBe('created .migraterc.json\ncreated sql/\n');
    expect(io.stderrText()).toBe('');
  });

  it('refuses, before writing anything, when a file stands where the folder should be', async () => {
    const cwd = tempProject({ sql: 'not a folder' });
    const io = fakeIO({ cwd });
    expect(await run(['init'], io)).toBe(2);
    expect(io.stderrText()).toBe('error: sql: the migrations folder exists as a file\nhint: move the file, or choose another folder with --dir\n');
    expect(existsSync(join(cwd, '.migraterc.json'))).toBe(false);
  });
});

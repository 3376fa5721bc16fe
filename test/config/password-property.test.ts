/**
 * Property: whatever characters a password holds and however it is given
 * (--url, DATABASE_URL, the config's databaseUrl, .env, PGPASSWORD; user info
 * raw or percent-encoded, `?password=`, several hosts, IPv6), no 6-character
 * piece of it appears in the output of any failing command, in any --format,
 * with or without --verbose. Seeded: SQLMIG_PROPERTY_SEED=<n> replays a run.
 * The target refuses connections (port 1), so every connecting command fails.
 * Most cases run in-process (run() is the CLI's one output path); a few spawn
 * the built CLI.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/random.js';
import { cli, createProject, spawnCli, type CliResult, type Project } from '../fixtures/runner/project.js';

const seed = Number(process.env.SQLMIG_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));

const random = seededRandom(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#/?:%&=+!$*()[],;~-_. ';

/** 10 to 20 characters, always with some that URLs treat specially. */
function password(): string {
  const length = 10 + Math.floor(random() * 11);
  let text = '';
  for (let i = 0; i < length; i++) text += pick([...ALPHABET]);
  return text.replace(/^(.)(.)/, (_, a: string) => `${a}${pick(['@', '#', '/', ':', '%', '?'])}`);
}

type Shape = (password: string) => { args: string[]; env: Record<string, string>; config?: Record<string, unknown>; dotenv?: string };
const enc = encodeURIComponent;
const shapes: Record<string, Shape> = {
  'raw user info in --url': (pw) => ({ args: ['--url', `postgres://app:${pw}@127.0.0.1:1/db`], env: {} }),
  'encoded user info in DATABASE_URL': (pw) => ({ args: [], env: { DATABASE_URL: `postgres://app:${enc(pw)}@127.0.0.1:1/db` } }),
  // A raw `&` ends a query value by definition (what follows is another parameter), so only it is encoded.
  'raw ?password= in --url': (pw) => ({ args: ['--url', `postgres://app@127.0.0.1:1/db?sslmode=disable&password=${pw.replaceAll('&', '%26')}`], env: {} }),
  'several hosts in databaseUrl': (pw) => ({ args: [], env: {}, config: { databaseUrl: `postgres://app:${enc(pw)}@127.0.0.1:1,127.0.0.1:2/db` } }),
  'IPv6 in .env': (pw) => ({ args: [], env: {}, dotenv: `DATABASE_URL="postgres://app:${enc(pw)}@[::1]:1/db"\n` }),
  'a port-like password': (pw) => ({ args: ['--url', `postgres://app:5432${pw}@127.0.0.1:1/db`], env: {} }),
  PGPASSWORD: (pw) => ({ args: [], env: { PGHOST: '127.0.0.1', PGPORT: '1', PGUSER: 'app', PGPASSWORD: pw } }),
};

const COMMANDS = [['up'], ['down'], ['redo'], ['status'], ['current'], ['history'], ['validate'], ['stamp', '1'], ['resolve', '1', '--applied'], ['verify'], ['lint']];
const FORMATS = [[], ['--format', 'json'], ['--format', 'github'], ['--format', 'sarif']];

function leaks(result: CliResult, secret: string): string[] {
  const output = result.stdout + result.stderr;
  const found: string[] = [];
  for (let i = 0; i + 6 <= secret.length; i++) if (output.includes(secret.slice(i, i + 6))) found.push(secret.slice(i, i + 6));
  return found;
}

describe(`passwords never appear in output (SQLMIG_PROPERTY_SEED=${seed})`, () => {
  let project: Project;
  beforeAll(async () => {
    project = await createProject();
    await project.write('0001_a.up.sql', 'CREATE TABLE IF NOT EXISTS a (id int);\n');
    await project.write('0001_a.down.sql', 'DROP TABLE IF EXISTS a;\n');
  });
  afterAll(async () => project?.cleanup());

  async function runCase(spawned: boolean, command: string[], format: string[], verbose: boolean): Promise<void> {
    // verify connects only where --url says (else it uses PGlite in memory, and succeeds).
    const candidates = Object.entries(shapes).filter(([, shape]) => command[0] !== 'verify' || shape('x').args[0] === '--url');
    const [shapeName, shape] = pick(candidates);
    // A port-like password is only dangerous with a `#`, which makes the parser see a port.
    const secret = shapeName === 'a port-like password' ? `#${password()}` : password();
    const given = shape(secret);
    writeFileSync(join(project.dir, '.migraterc.json'), JSON.stringify({ dir: 'sql', lockWait: 0, ...given.config }));
    writeFileSync(join(project.dir, '.env'), given.dotenv ?? '');
    const args = [...given.args, ...format, ...(verbose ? ['--verbose'] : []), ...command];
    const result = spawned ? await spawnCli(project, args, given.env) : await cli(project, args, given.env);
    const context = `${spawned ? 'spawned ' : ''}sqlmig ${args.join(' ').replaceAll(secret, '<password>')} (${shapeName})`;
    if (command[0] !== 'lint') expect(result.code, context).not.toBe(0);
    expect(leaks(result, secret), `${context}\n${result.stdout}${result.stderr}`).toEqual([]);
  }

  it('every failing command, every --format, with and without --verbose (in-process)', { timeout: 300_000 }, async () => {
    for (const command of COMMANDS) for (const format of FORMATS) for (const verbose of [false, true]) await runCase(false, command, format, verbose);
  });

  it('a sample through the built CLI', { timeout: 300_000 }, async () => {
    for (const command of [['up'], ['status'], ['verify'], ['validate']]) await runCase(true, command, pick(FORMATS), random() < 0.5);
  });
});

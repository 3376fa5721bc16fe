#!/usr/bin/env node
// `sqlmig diff` round trips on the real-world corpus (issue 18): for (prefix, later) pairs of each
// project, the later state's dump (`sqlmig dump -o schema.sql` of the migrations up to `later`) is
// the desired schema of a project holding the migrations up to `prefix` (`diff --to schema.sql`),
// as a team that edits schema.sql uses it. A pair succeeds when diff exits 0: its draft passes
// lint, each drafted migration passes verify's round trip (up, down, up again), and the schema
// after the draft equals the snapshot of the dump loaded into an empty database. Prints the
// success rate and the cause of every failure. Needs the built CLI (npm run build) and a
// PostgreSQL server (every throwaway database, of dump and of diff, is a temporary one there).
//
// Usage: node scripts/diff-round-trips.mjs [--pairs N] [--project substring] [--server URL] [--cli path] [corpus-dir]
//   --cli: another copy of dist/cli/sqlmig.cjs (e.g. a copy of dist/, so a build meanwhile does not change a run).
//   --server defaults to SQLMIG_TEST_DATABASE_URL, then postgres://postgres@127.0.0.1:5432/postgres.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args.splice(at, 2)[1];
};
const pairsPerProject = Number(option('--pairs', '6'));
const only = option('--project', '');
const server = option('--server', process.env.SQLMIG_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const cli = option('--cli', fileURLToPath(new URL('../dist/cli/sqlmig.cjs', import.meta.url)));
const corpus = args.find((arg) => !arg.startsWith('--')) ?? fileURLToPath(new URL('../../shared/corpus', import.meta.url));

const admin = postgres(server, { max: 1, onnotice: () => {} });
let databases = 0;
async function freshDatabase() {
  const name = `sqlmig_diffrt_${process.pid}_${databases++}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function run(cwd, argv) {
  const result = spawnSync(process.execPath, [cli, '--no-color', ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, DATABASE_URL: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A project folder with the migrations of `project` up to and including `last` (0: none). */
function projectUpTo(project, files, last) {
  const dir = mkdtempSync(join(tmpdir(), 'sqlmig-diffrt-'));
  mkdirSync(join(dir, 'sql'));
  writeFileSync(join(dir, '.migraterc.json'), JSON.stringify({ dir: 'sql' }));
  for (const file of files) if (Number(file.slice(0, file.indexOf('_'))) <= last) cpSync(join(corpus, project, file), join(dir, 'sql', file));
  return dir;
}

/** The newest version `up` applies on PostgreSQL before a file fails (the runner's limit for this project). */
async function runnableUpTo(project, files, versions) {
  const dir = projectUpTo(project, files, Infinity);
  const database = await freshDatabase();
  try {
    run(dir, ['up', '--no-lint', '--url', database.url]);
    const status = JSON.parse(run(dir, ['status', '--format', 'json', '--url', database.url]).stdout || '[]');
    const rows = Array.isArray(status) ? status : (status.migrations ?? []);
    const applied = rows.filter((row) => row.state === 'applied').map((row) => row.version);
    return applied.length === 0 ? 0 : Math.max(...applied.filter((version) => versions.includes(version)));
  } finally {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prefixes spread over the runnable range, each paired with a later state 1, 3 or 10 migrations on. */
function pairsOf(versions, limit) {
  const runnable = versions.filter((version) => version <= limit);
  const pairs = [];
  const steps = [1, 3, 10];
  for (let k = 0; k < pairsPerProject && runnable.length > 1; k++) {
    const at = Math.floor((k * (runnable.length - 1)) / pairsPerProject);
    const later = runnable[Math.min(runnable.length - 1, at + steps[k % steps.length])];
    const prefix = k === 0 ? 0 : runnable[at];
    if (later > prefix && !pairs.some((pair) => pair.prefix === prefix && pair.later === later)) pairs.push({ prefix, later });
  }
  return pairs;
}

async function roundTrip(project, files, { prefix, later }) {
  const target = projectUpTo(project, files, later);
  const dir = projectUpTo(project, files, prefix);
  const schemaFile = join(target, 'schema.sql');
  try {
    const dumped = run(target, ['dump', '-o', schemaFile, '--url', server]);
    if (dumped.code !== 0) return { ok: false, cause: `the later state does not dump: ${firstLine(dumped.stderr)}` };
    const drafted = run(dir, ['diff', '--to', schemaFile, '--url', server, '--name', `to ${later}`]);
    if (drafted.code === 0) return { ok: true, files: drafted.stdout.trim().split('\n').filter(Boolean).length };
    const lines = drafted.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('lint warning'));
    const problems = lines.filter((line) => /^  (lint|verify|schema after the draft):/.test(line)).map((line) => line.trim());
    const notes = lines.filter((line) => line.startsWith('by hand:'));
    return { ok: false, cause: (problems.length > 0 ? problems : lines).slice(0, 3).join(' | '), notes };
  } finally {
    rmSync(target, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

function firstLine(text) {
  return text.split('\n').find((line) => line.trim() !== '') ?? '(no output)';
}

let total = 0;
let passed = 0;
const started = Date.now();
try {
  for (const project of readdirSync(corpus).sort()) {
    if (!statSync(join(corpus, project)).isDirectory() || !project.includes(only)) continue;
    const files = readdirSync(join(corpus, project)).filter((file) => file.endsWith('.sql'));
    const versions = [...new Set(files.filter((file) => file.endsWith('.up.sql')).map((file) => Number(file.slice(0, file.indexOf('_')))))].sort((a, b) => a - b);
    const limit = await runnableUpTo(project, files, versions);
    const pairs = pairsOf(versions, limit);
    let ok = 0;
    const failures = [];
    for (const pair of pairs) {
      const result = await roundTrip(project, files, pair);
      if (result.ok) ok++;
      else failures.push(`  ${pair.prefix} → ${pair.later}: ${result.cause}`);
    }
    total += pairs.length;
    passed += ok;
    const stops = limit < versions.at(-1) ? `, the runner stops after ${limit} of ${versions.at(-1)}` : '';
    console.log(`${project}: ${ok}/${pairs.length} round trips pass${stops}`);
    for (const failure of failures) console.log(failure);
  }
} finally {
  await admin.end();
}
console.log(`\n${passed}/${total} round trips pass (${total === 0 ? 0 : Math.round((100 * passed) / total)}%) in ${Math.round((Date.now() - started) / 1000)} s`);

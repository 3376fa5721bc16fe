#!/usr/bin/env node
// `sqlmig dump` on the real-world corpus: for each project, as far as its migrations run in PGlite
// (or on --url <server>), dumps twice (the two must be byte-identical), loads the dump into an empty
// database and compares that database's catalog snapshot with the one the migrations produced
// (privileges left out: a dump has none). Needs `npm run build` first.
// Usage: node scripts/dump-corpus.mjs [--url postgres://…] [--keep <dir>] [project…]
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = (path) => new URL(`../dist/src/${path}`, import.meta.url).href;
const { dump, loadDump, dumpDifferences, loadConfig, describeChange, MigrationError, resolveConnection } = await import(dist('index.js'));

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const [value] = args.splice(index, 2).slice(1);
  return value;
};
const url = option('--url');
const keep = option('--keep');
const corpus = fileURLToPath(new URL('../../shared/corpus', import.meta.url));
const projects = args.length > 0 ? args : readdirSync(corpus).filter((name) => statSync(join(corpus, name)).isDirectory());
const words = { added: 'only in the loaded dump', removed: 'missing from the loaded dump', changed: 'differs' };
if (keep) mkdirSync(keep, { recursive: true });

const base = await loadConfig({ cwd: fileURLToPath(new URL('.', import.meta.url)), env: {} });
const server = url ? resolveConnection(base, { url, env: {} }) : null;
const rows = [];
for (const project of projects) {
  const config = { ...base, dir: join(corpus, project) };
  const started = performance.now();
  let to;
  let first;
  let stoppedAt = null;
  // As far as it goes: a file that fails to run ends the dump at the version before it.
  for (;;) {
    try {
      first = await dump({ config, cwd: corpus, url, to });
      break;
    } catch (error) {
      const version = Number(/(\d+)_[^/\\]*$/.exec(error.location?.file ?? '')?.[1]);
      if (!(error instanceof MigrationError) || !Number.isInteger(version)) throw error;
      stoppedAt = `${String(version).padStart(4, '0')}: ${error.message.split('\n')[0].slice(0, 100)}`;
      to = version - 1;
      if (to < 1) break;
    }
  }
  if (!first) {
    rows.push({ project, to: '-', objects: 0, deterministic: '-', roundTrip: 'nothing runs', stoppedAt, ms: 0 });
    continue;
  }
  const dumpMs = Math.round(performance.now() - started);
  const second = await dump({ config, cwd: corpus, url, to });
  const deterministic = first.sql === second.sql;
  if (keep) writeFileSync(join(keep, `${project}.sql`), first.sql);
  let roundTrip;
  try {
    const loaded = await loadDump(first.sql, { schema: config.schema, table: config.table }, server);
    const differences = dumpDifferences(first.catalog.snapshot, loaded);
    roundTrip = differences.length === 0 ? 'same snapshot' : `${differences.length} differences`;
    for (const difference of differences.slice(0, Number(process.env.DUMP_SHOW ?? 10))) console.error(`  ${project}: ${describeChange(difference, words)}`);
  } catch (error) {
    roundTrip = `load failed: ${error.message.split('\n')[0].slice(0, 120)}`;
  }
  rows.push({ project, to: first.origin.to, objects: first.catalog.objects.length, deterministic, roundTrip, stoppedAt, ms: dumpMs });
  console.error(`${project}: to ${first.origin.to}, ${first.catalog.objects.length} objects, ${deterministic ? 'deterministic' : 'NOT deterministic'}, ${roundTrip} (${dumpMs} ms)`);
}

console.log('| project | dumped up to | objects | two runs identical | dump loaded into an empty database | stops at (PGlite) | first dump |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(`| ${row.project} | ${row.to} | ${row.objects} | ${row.deterministic} | ${row.roundTrip} | ${row.stoppedAt ?? 'runs to the end'} | ${row.ms} ms |`);
}
const passed = rows.filter((row) => row.deterministic === true && row.roundTrip === 'same snapshot').length;
console.log(`\n${passed} of ${rows.length} projects pass.`);
process.exitCode = passed === rows.length ? 0 : 1;

// Synthetic migration sets for the benchmark: N pairs, each a table with an identity
// key, a VARCHAR(255) status, a timestamptz default, a FK to the previous table and an
// index, plus a real down. The same SQL is laid out for every contender so that they
// all apply identical statements.
//
//   node bench/generate.mjs <out-dir> [N]
//
// Layout under <out-dir>:
//   sqlmig/NNNN_create_t_NNNN.up.sql, .down.sql   sqlmig's layout
//   dbmate/db/migrations/NNNN_create_t_NNNN.sql     dbmate's layout (-- migrate:up/down)
//   psql/floor.sql    BEGIN; \i <up file> COMMIT; per migration: the per-file floor
//   psql/single.sql   \i <up file> per migration, for `psql -1` (one transaction)

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function upSql(version, width) {
  const table = tableName(version, width);
  // The first table has nothing before it to reference.
  const fk = version > 1 ? ` REFERENCES ${tableName(version - 1, width)} (id)` : '';
  return (
    `CREATE TABLE IF NOT EXISTS ${table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ` +
    `status varchar(255) NOT NULL DEFAULT 'new', created_at timestamptz NOT NULL DEFAULT now(), ` +
    `prev_id bigint${fk});\n` +
    `CREATE INDEX IF NOT EXISTS idx_${table}_prev ON ${table} (prev_id);\n`
  );
}

export function downSql(version, width) {
  return `DROP TABLE IF EXISTS ${tableName(version, width)};\n`;
}

function tableName(version, width) {
  return `t_${pad(version, width)}`;
}

function pad(version, width) {
  return String(version).padStart(width, '0');
}

/**
 * Writes the set of `count` pairs under `outDir` (created if missing) and returns the
 * paths the benchmark needs.
 */
export function generateSet(outDir, count) {
  if (!Number.isInteger(count) || count < 1) throw new Error(`bad migration count: ${count}`);
  const width = Math.max(4, String(count).length);
  const sqlmigDir = path.join(outDir, 'sqlmig');
  const dbmateDir = path.join(outDir, 'dbmate', 'db', 'migrations');
  const psqlDir = path.join(outDir, 'psql');
  for (const dir of [sqlmigDir, dbmateDir, psqlDir]) fs.mkdirSync(dir, { recursive: true });

  const floorScript = [];
  const singleScript = [];
  const sqlmigFiles = [];
  for (let version = 1; version <= count; version++) {
    const name = `${pad(version, width)}_create_${tableName(version, width)}`;
    const up = upSql(version, width);
    const down = downSql(version, width);
    const upFile = path.join(sqlmigDir, `${name}.up.sql`);
    const downFile = path.join(sqlmigDir, `${name}.down.sql`);
    fs.writeFileSync(upFile, up);
    fs.writeFileSync(downFile, down);
    sqlmigFiles.push(upFile, downFile);
    fs.writeFileSync(
      path.join(dbmateDir, `${name}.sql`),
      `-- migrate:up\n${up}\n-- migrate:down\n${down}`,
    );
    floorScript.push(`BEGIN;\n\\i ${psqlQuote(upFile)}\nCOMMIT;\n`);
    singleScript.push(`\\i ${psqlQuote(upFile)}\n`);
  }
  const floorFile = path.join(psqlDir, 'floor.sql');
  const singleFile = path.join(psqlDir, 'single.sql');
  fs.writeFileSync(floorFile, floorScript.join(''));
  fs.writeFileSync(singleFile, singleScript.join(''));

  return {
    count,
    sqlmigDir,
    sqlmigFiles,
    dbmateDir,
    floorFile,
    singleFile,
  };
}

function psqlQuote(file) {
  return `'${file.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [outDir, countArg = '1000'] = process.argv.slice(2);
  if (!outDir) {
    console.error('usage: node bench/generate.mjs <out-dir> [N]');
    process.exit(2);
  }
  const set = generateSet(path.resolve(outDir), Number(countArg));
  console.log(`wrote ${set.count} pairs under ${path.resolve(outDir)}`);
}

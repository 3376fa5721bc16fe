// The benchmark's PostgreSQL administration: a fresh database per contender run, through psql.

import { spawnSync } from 'node:child_process';

export const adminUrl = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const createdDatabases = new Set();
let databaseCounter = 0;
let checkpointAllowed = true;

/** URL of database `name`; sslmode=disable because dbmate's driver otherwise insists on TLS. */
export function databaseUrl(name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
  return url.href;
}

export function psqlAdmin(sql, database = adminUrl.pathname.slice(1) || 'postgres') {
  const result = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl(database), '-c', sql], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw new Error(`psql: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`psql -c ${JSON.stringify(sql)}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/**
 * A fresh, empty database for one contender; CHECKPOINTed so no earlier run's dirty pages are flushed on its time.
 * `checkpoint: false` when the caller creates many and checkpoints once after them (checkpoint()).
 */
export function createDatabase(tool, { checkpoint: wanted = true } = {}) {
  const name = `bench_${tool}_${process.pid}_${++databaseCounter}`;
  psqlAdmin(`CREATE DATABASE ${name}`);
  createdDatabases.add(name);
  if (wanted) checkpoint();
  return name;
}

export function checkpoint() {
  if (checkpointAllowed) {
    try {
      psqlAdmin('CHECKPOINT');
    } catch (error) {
      checkpointAllowed = false;
      console.error(`warning: CHECKPOINT refused, runs start without one: ${error.message}`);
    }
  }
}

export function dropDatabase(name) {
  psqlAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  createdDatabases.delete(name);
}

export function countBenchTables(database) {
  return Number(psqlAdmin(`SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname ~ '^t_[0-9]+$'`, database));
}

/** Drops every database this run created and has not dropped yet. */
export function dropCreatedDatabases() {
  for (const name of [...createdDatabases]) {
    try {
      dropDatabase(name);
    } catch (error) {
      console.error(`warning: could not drop database ${name}: ${error.message}`);
    }
  }
}

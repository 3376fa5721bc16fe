// The apply groups: `up` on a fresh database per run, and the no-op `up` with everything applied.

import { twinLines } from './builds.mjs';
import { fmtInt } from './format.mjs';
import { contender, nodeBaseline, runUntimed } from './groups.mjs';
import { node } from './paths.mjs';
import { countBenchTables, createDatabase, databaseUrl, dropDatabase } from './postgres.mjs';

/** One contender that applies migrations on its own fresh database per run. */
function applyContender(key, label, tool, expectedTables, commandFor, extra = {}) {
  let database = null;
  return contender(key, label, {
    before() {
      database = createDatabase(tool);
    },
    command: () => commandFor(databaseUrl(database)),
    verify() {
      const tables = countBenchTables(database);
      if (tables !== expectedTables) throw new Error(`exit 0, but only ${tables} of ${expectedTables} tables exist`);
    },
    after() {
      if (database) dropDatabase(database);
      database = null;
    },
    ...extra,
  });
}

/** `up` of `build` over the set, as [cmd, args, spawnOptions] for one database URL. */
function sqlmigUp(build, set, spawnOptions) {
  return (url) => [node, [build.bin, 'up', '--url', url, '--dir', set.sqlmigDir, '--no-lint'], spawnOptions];
}

export function applyGroup(id, set, peers, builds, reps) {
  const n = set.count;
  return {
    id,
    title: `Apply ${fmtInt(n)} migrations, each contender on a fresh database`,
    ratioTo: 'floor',
    reps,
    contenders: [
      ...twinLines(builds, (build) => [applyContender('sqlmig', 'sqlmig up', 'sqlmig', n, sqlmigUp(build, set), { build })]),
      applyContender(
        'floor',
        'psql, BEGIN/COMMIT per file (floor)',
        'floor',
        n,
        (url) => ['psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', set.floorFile]],
        { reference: true },
      ),
      applyContender('psql1', 'psql -1 (one transaction)', 'psql1', n, (url) => [
        'psql',
        ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-d', url, '-f', set.singleFile],
      ]),
      applyContender(
        'dbmate',
        'dbmate up',
        'dbmate',
        n,
        (url) => [peers.dbmate, ['--no-dump-schema', '--migrations-dir', set.dbmateDir, '--url', url, 'up']],
        { unavailable: peers.dbmate ? null : 'dbmate binary not found (npm install)' },
      ),
    ],
  };
}

/** `up` with everything applied: applied once in setup, every timed run is a no-op. */
function noopContender(key, label, tool, commandFor, extra) {
  let database = null;
  const c = contender(key, label, {
    async setup() {
      database = createDatabase(tool);
      await runUntimed(c, ...commandFor(databaseUrl(database)));
    },
    command: () => commandFor(databaseUrl(database)),
    teardown() {
      if (database) dropDatabase(database);
      database = null;
    },
    ...extra,
  });
  return c;
}

export function noopGroup(set, peers, builds, reps) {
  return {
    id: 'noop',
    title: `No-op up with ${fmtInt(set.count)} migrations applied`,
    ratioTo: 'node -e 0',
    reps,
    contenders: [
      ...twinLines(builds, (build) => [
        noopContender('sqlmig', 'sqlmig up (nothing pending)', 'sqlmig', sqlmigUp(build, set), { build }),
        // What a first run on a new machine or container pays: V8 compiles the CLI from source.
        noopContender(
          'sqlmig-compiling',
          'sqlmig up (nothing pending), SQLMIG_NO_COMPILE_CACHE=1',
          'sqlmig',
          sqlmigUp(build, set, { env: { ...process.env, SQLMIG_NO_COMPILE_CACHE: '1' } }),
          { build },
        ),
      ]),
      noopContender(
        'dbmate',
        'dbmate up (nothing pending)',
        'dbmate',
        (url) => [peers.dbmate, ['--no-dump-schema', '--migrations-dir', set.dbmateDir, '--url', url, 'up']],
        { unavailable: peers.dbmate ? null : 'dbmate binary not found (npm install)' },
      ),
      nodeBaseline(),
    ],
  };
}

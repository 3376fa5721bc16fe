// The many-databases group (issue 19): one `sqlmig up` over 50 databases from a
// "targets" config, sequential (--concurrency 1) against --concurrency 4.

import fs from 'node:fs';
import path from 'node:path';
import { twinLines } from './builds.mjs';
import { contender } from './groups.mjs';
import { node } from './paths.mjs';
import { checkpoint, countBenchTables, createDatabase, databaseUrl, dropDatabase } from './postgres.mjs';

const DATABASES = 50;

/** One build's line: before each run, 50 new empty databases (untimed); the run migrates all of them; after it, all are dropped. */
function manyContender(build, key, label, set, workDir, concurrency, extra) {
  let databases = [];
  let project = null; // its own, named after its key (a baseline twin's differs), so no line sees another's config
  const c = contender(key, label, {
    build,
    setup() {
      project = path.join(workDir, `many-${c.key}`);
      fs.mkdirSync(project, { recursive: true });
    },
    before() {
      databases = Array.from({ length: DATABASES }, () => createDatabase(`many_${c.key.replace('@', '_')}`, { checkpoint: false }));
      checkpoint();
      fs.writeFileSync(
        path.join(project, '.migraterc.json'),
        JSON.stringify({ dir: set.sqlmigDir, targets: { urls: databases.map((name) => databaseUrl(name)) } }),
      );
    },
    command: () => [node, [build.bin, '--quiet', 'up', '--no-lint', '--concurrency', String(concurrency)], { cwd: project }],
    verify() {
      for (const name of databases) {
        const tables = countBenchTables(name);
        if (tables !== set.count) throw new Error(`exit 0, but ${name} has ${tables} of ${set.count} tables`);
      }
    },
    after() {
      for (const name of databases) dropDatabase(name);
      databases = [];
    },
    teardown() {
      if (project) fs.rmSync(project, { recursive: true, force: true });
    },
    ...extra,
  });
  return c;
}

export function manyGroup(set, workDir, builds, reps) {
  return {
    id: 'many-50x20',
    title: `Apply ${set.count} migrations to each of ${DATABASES} databases (config "targets"), sequential vs --concurrency 4`,
    ratioTo: 'sequential',
    reps,
    note: 'one process for all databases; each target opens its own session and takes its own advisory lock. The machine is shared (2 cores, other sessions running): see the load average above.',
    contenders: twinLines(builds, (build) => [
      manyContender(build, 'sequential', 'sqlmig up --concurrency 1 (sequential)', set, workDir, 1, { reference: true }),
      manyContender(build, 'concurrent', 'sqlmig up --concurrency 4', set, workDir, 4),
    ]),
  };
}

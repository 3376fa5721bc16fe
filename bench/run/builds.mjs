// The sqlmig builds a run measures: this checkout's dist/ and, with --baseline <dir>, another
// checkout's. A group builds its sqlmig lines once per build (lines keep their databases and
// caches in closures, so they are built, never copied), each baseline line next to this build's
// same line, so that the two alternate within every round (A A' B B' …; groups.mjs swaps each
// pair every other round).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NOT_AVAILABLE } from './groups.mjs';
import { node, repoRoot, sqlmigBin, sqlmigBinOf } from './paths.mjs';

/** `git -C dir <args>`'s output, trimmed; '' when git fails (say, `dir` is no checkout). */
export function gitOutput(dir, ...args) {
  const result = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

/** What every line of a build needs, probed once: is it there, and does its lint know --no-cache. */
function describe(build) {
  const missing = fs.existsSync(build.bin) ? null : `${NOT_AVAILABLE} (no ${path.relative(build.dir, build.bin)})`;
  // Without the compile cache: a cache written by `lint --help` would hold little of what a lint runs, and a
  // build whose launcher keeps the first cache it writes would then compile most of lint in every run.
  const env = { ...process.env, SQLMIG_NO_COMPILE_CACHE: '1' };
  const help = missing ? null : spawnSync(node, [build.bin, 'lint', '--help'], { encoding: 'utf8', env });
  return { ...build, missing, lintNoCache: help?.status === 0 && help.stdout.includes('--no-cache') };
}

/** This checkout's build; describe it after `npm run build`, which replaces dist/. */
export function thisBuild() {
  return describe({ dir: repoRoot, bin: sqlmigBin, tag: null, baseline: false });
}

/**
 * The --baseline checkout's build, measured as found: the bench never builds it, so a missing
 * bin is the user's to fix (thrown, with how). Tagged with its commit, else its folder's name.
 */
export function baselineBuild(dir) {
  const root = path.resolve(dir);
  let bin;
  try {
    bin = sqlmigBinOf(root);
  } catch (error) {
    throw new Error(`--baseline ${dir}: no sqlmig package.json with bin.sqlmig there (${error.message})`);
  }
  if (!fs.existsSync(bin)) {
    throw new Error(`--baseline ${dir}: ${path.relative(root, bin)} is missing; build it first: (cd ${dir} && npm ci && npm run build)`);
  }
  const tag = gitOutput(root, 'rev-parse', '--short', 'HEAD') || path.basename(root);
  return describe({ dir: root, bin, tag, baseline: true });
}

/** The sqlmig lines `linesOf(build)` makes for each build, twins side by side: A A' B B' … */
export function twinLines(builds, linesOf) {
  const perBuild = builds.map(linesOf);
  return perBuild[0].flatMap((_, i) => perBuild.map((lines) => lines[i]));
}

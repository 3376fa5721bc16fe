// The lint groups: sqlmig lint (cold, --no-cache, warm) against the parser floor and squawk,
// over a synthetic set or the largest corpus project.

import fs from 'node:fs';
import path from 'node:path';
import { twinLines } from './builds.mjs';
import { fmtInt } from './format.mjs';
import { contender, runUntimed } from './groups.mjs';
import { corpusRoot, node, parserFloor } from './paths.mjs';
import { failureReason } from './timing.mjs';

/**
 * Lint lines over `files` (paths relative to `cwd`, all inside `dir`): each build's sqlmig lines,
 * then the parser floor and squawk, which read this build's folder.
 */
function lintGroup(id, title, folder, peers, builds, reps) {
  const { cwd, files } = folder;
  const upFiles = files.filter((file) => file.endsWith('.up.sql'));
  const edits = { newest: upFiles[upFiles.length - 1], middle: upFiles[Math.floor(upFiles.length / 2)] };
  return {
    id,
    title,
    ratioTo: 'squawk',
    reps,
    contenders: [
      ...twinLines(builds, (build) => sqlmigLintLines(build, folder, edits)),
      contender('floor', 'floor: libpg-query alone (Node reads and parses each file)', {
        unavailable: builds[0].missing, // without this checkout's build there is nothing to compare the floor with
        command: () => [node, ['--liftoff-only', parserFloor, ...files], { cwd }],
        verify(result, rep) {
          if (!/^[1-9][\d,]* statements/.test(result.stdout)) throw new Error(`unexpected output: ${result.stdout.trim().slice(0, 80)}`);
          return rep === 0 ? `parsed ${result.stdout.trim()}` : null;
        },
      }),
      contender('squawk', 'squawk', {
        reference: true,
        okExitCodes: [0, 1], // squawk exits non-zero when it finds problems
        unavailable: peers.squawk ? null : 'squawk binary not found (npm install)',
        command: () => [peers.squawk, ['--reporter', 'json', ...files], { cwd }],
        verify(result, rep) {
          if (rep !== 0) return null;
          let findings;
          try {
            findings = result.stdout.trim() ? JSON.parse(result.stdout) : [];
          } catch {
            throw new Error(`output is not JSON: ${failureReason(result)}`);
          }
          const reported = new Set(findings.map((f) => f.file));
          return `reported ${fmtInt(findings.length)} findings in ${fmtInt(reported.size)} of ${fmtInt(files.length)} files`;
        },
      }),
      contender('squawk-one', `squawk on the newest migration alone (${path.basename(edits.newest)})`, {
        okExitCodes: [0, 1],
        unavailable: peers.squawk ? null : 'squawk binary not found (npm install)',
        command: () => [peers.squawk, ['--reporter', 'json', edits.newest], { cwd }],
      }),
    ],
  };
}

/**
 * One build's `sqlmig lint` lines. Cold runs delete .sqlmig first; warm runs reuse the cache the
 * previous run left; the edited lines change one file of the build's own folder before each run.
 */
function sqlmigLintLines(build, { cwd: sourceCwd, dir, files }, edits) {
  const cwd = lintCwdOf(build, sourceCwd, dir);
  const sqlmigLint = (extraArgs = []) => [node, [build.bin, 'lint', '--dir', dir, '--format', 'json', ...extraArgs], { cwd }];
  const clearCache = () => {
    for (const cacheRoot of [path.join(cwd, '.sqlmig'), path.join(cwd, dir, '.sqlmig')]) {
      fs.rmSync(cacheRoot, { recursive: true, force: true });
    }
  };
  const verifySqlmig = (result) => {
    let report;
    try {
      report = JSON.parse(result.stdout);
    } catch {
      throw new Error(`output is not JSON: ${failureReason(result)}`);
    }
    if (report.fileCount !== files.length) return `fileCount ${report.fileCount}, expected ${files.length}`;
    return null;
  };
  // `lint` exits 1 when it finds errors: that is a completed lint.
  const sqlmigLine = (key, label, extra) => contender(key, label, { build, okExitCodes: [0, 1], verify: verifySqlmig, ...extra });
  const warm = sqlmigLine('warm', 'sqlmig lint, warm (cache from the previous run)', {
    command: () => sqlmigLint(),
    async before(rep) {
      if (rep === 0) await runUntimed(warm, ...sqlmigLint());
    },
  });
  // Issue 20: one migration edited since the last lint (the pre-commit case). Each run starts from a
  // cache that is warm for every file (an untimed lint), then one up file gets a new comment line.
  // As in a pre-commit hook, the lint before was itself one after an edit: a first lint into an
  // empty cache (the cold line, which runs in every round) writes no checkpoints, the first lint
  // that walks after it does, so the edited lines measure the lints after that one.
  const edited = (key, label, file) => {
    const line = sqlmigLine(key, label, {
      command: () => sqlmigLint(),
      async before(rep) {
        await runUntimed(line, ...sqlmigLint());
        fs.appendFileSync(path.join(cwd, file), `\n-- bench edit ${rep} (the commit before)\n`);
        await runUntimed(line, ...sqlmigLint());
        fs.appendFileSync(path.join(cwd, file), `\n-- bench edit ${rep}\n`);
      },
    });
    return line;
  };
  return [
    sqlmigLine('cold', 'sqlmig lint, cold (no .sqlmig cache)', { before: clearCache, command: () => sqlmigLint() }),
    sqlmigLine('nocache', 'sqlmig lint --no-cache', {
      command: () => sqlmigLint(['--no-cache']),
      unavailable: build.missing ?? (build.lintNoCache ? null : 'no --no-cache option'),
    }),
    warm,
    edited('newest', `sqlmig lint, newest migration edited (${path.basename(edits.newest)})`, edits.newest),
    edited('middle', `sqlmig lint, a middle migration edited (${path.basename(edits.middle)})`, edits.middle),
  ];
}

/**
 * The folder a build lints from: this build's is `cwd` itself, a baseline build's its own copy of
 * `dir` (without a .sqlmig cache), so that the two builds' caches never mix while the files linted,
 * and their paths relative to the folder, are the same.
 */
function lintCwdOf(build, cwd, dir) {
  if (!build.baseline) return cwd;
  const copy = `${cwd}@baseline`;
  fs.cpSync(path.join(cwd, dir), path.join(copy, dir), { recursive: true, filter: (source) => path.basename(source) !== '.sqlmig' });
  return copy;
}

export function lintSyntheticGroup(set, peers, builds, reps) {
  const files = set.sqlmigFiles.map((f) => path.relative(path.dirname(set.sqlmigDir), f));
  return lintGroup(
    'lint-synthetic',
    `Lint ${fmtInt(set.count)} synthetic pairs (${fmtInt(files.length)} files)`,
    { cwd: path.dirname(set.sqlmigDir), dir: path.basename(set.sqlmigDir), files },
    peers,
    builds,
    reps,
  );
}

/**
 * LemmyNet's project of the shared corpus (the one issue 20's targets name), else the largest, linted
 * from a copy under `workDir`.
 */
export function lintCorpusGroup(workDir, peers, builds, reps) {
  const project = corpusProject('LemmyNet__lemmy') ?? largestCorpusProject();
  if (!project) {
    return { id: 'lint-corpus', title: 'Lint the largest corpus project', ratioTo: 'squawk', reps: 0, contenders: [], note: `no corpus at ${corpusRoot}` };
  }
  // A copy, so that nothing (a cache, say) is ever written into the shared corpus.
  const cwd = path.join(workDir, 'corpus');
  fs.cpSync(path.join(corpusRoot, project.name), path.join(cwd, project.name), { recursive: true });
  const files = project.files.map((f) => path.join(project.name, f));
  return lintGroup(
    'lint-corpus',
    `Lint the corpus project ${project.name} (${fmtInt(files.length)} files)`,
    { cwd, dir: project.name, files },
    peers,
    builds,
    reps,
  );
}

function corpusProject(name) {
  const dir = path.join(corpusRoot, name);
  if (!fs.existsSync(dir)) return null;
  return { name, files: fs.readdirSync(dir).filter((f) => f.endsWith('.sql')) };
}

function largestCorpusProject() {
  if (!fs.existsSync(corpusRoot)) return null;
  let best = null;
  for (const entry of fs.readdirSync(corpusRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const files = fs.readdirSync(path.join(corpusRoot, entry.name)).filter((f) => f.endsWith('.sql'));
    if (!best || files.length > best.files.length) best = { name: entry.name, files };
  }
  return best;
}

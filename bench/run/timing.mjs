// Running one measured process: wall-clock, peak RSS, timeouts, and Ctrl-C that
// kills the measured process group too.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.mjs';

const RUN_TIMEOUT_MS = 10 * 60 * 1000;

let abortSignal = null;
let currentChild = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    abortSignal = signal;
    killGroup(currentChild);
  });
}

export function checkAborted() {
  if (abortSignal) throw new Error(`interrupted (${abortSignal})`);
}

function killGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // children run in their own group: /usr/bin/time and what it runs
  } catch {
    child.kill('SIGKILL');
  }
}

// GNU time reports the child's peak RSS exactly, and its CPU time (user + system, all threads: V8 compiles
// and collects garbage on other threads); polling VmHWM is the fallback, which measures no CPU time.
export const gnuTime =
  fs.existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M %U %S', 'true'], { encoding: 'utf8' }).status === 0
    ? '/usr/bin/time'
    : null;

let workDir = null; // the run's scratch work dir; see useWorkDir
let scratchDir = null; // for GNU time's output files
let rssFileCounter = 0;

/**
 * Runs one process and measures it: wall-clock from spawn to exit with
 * process.hrtime.bigint(), and peak RSS. Never rejects for a non-zero exit.
 * The default cwd is the scratch work dir, so the repository's own .migraterc.json never applies.
 */
export function execTimed(cmd, args, { cwd = workDir ?? repoRoot, env = process.env, timeoutMs = RUN_TIMEOUT_MS } = {}) {
  checkAborted();
  const rssFile = gnuTime ? path.join(scratchDir, `rss-${++rssFileCounter}`) : null;
  const [file, argv] = gnuTime ? [gnuTime, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const stdout = [];
    const stderr = [];
    let polledHwmKiB = 0;
    let poller = null;
    let timedOut = false;
    let end = null;
    const start = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    currentChild = child;
    if (!gnuTime) poller = setInterval(() => (polledHwmKiB = Math.max(polledHwmKiB, readVmHwmKiB(child.pid))), 5);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('exit', () => (end = process.hrtime.bigint()));
    child.on('error', (error) => {
      clearTimeout(timer);
      if (poller) clearInterval(poller);
      currentChild = null;
      reject(new Error(`cannot run ${cmd}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      end ??= process.hrtime.bigint();
      clearTimeout(timer);
      if (poller) clearInterval(poller);
      currentChild = null;
      if (abortSignal) return reject(new Error(`interrupted (${abortSignal})`));
      let rssKiB = polledHwmKiB || null;
      let cpuSeconds = null;
      if (rssFile && fs.existsSync(rssFile)) {
        // GNU time writes "Command exited with non-zero status N" before its line.
        const measured = fs
          .readFileSync(rssFile, 'utf8')
          .split('\n')
          .map((line) => /^(\d+) ([\d.]+) ([\d.]+)$/.exec(line.trim()))
          .filter(Boolean)
          .at(-1);
        rssKiB = measured ? Number(measured[1]) : null;
        cpuSeconds = measured ? Number(measured[2]) + Number(measured[3]) : null;
        fs.rmSync(rssFile, { force: true });
      }
      resolve({
        seconds: Number(end - start) / 1e9,
        code,
        signal,
        timedOut,
        rssKiB,
        cpuSeconds,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

function readVmHwmKiB(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // already gone
  }
}

/** Short, path-free reason for a failed run, for the table. */
export function failureReason(result) {
  if (result.timedOut) return `timed out after ${RUN_TIMEOUT_MS / 1000} s`;
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const errorLine = lines.find((l) => /error|fatal|fail/i.test(l)) ?? lines[0] ?? '';
  const hint = lines.find((l) => /^HINT:/.test(l));
  const line = hint ? `${errorLine} ${hint}` : errorLine;
  const shortened = (workDir ? line.replaceAll(workDir, '…') : line).replaceAll(repoRoot, '.').replaceAll('|', '\\|');
  const exit = result.signal ? `signal ${result.signal}` : `exit ${result.code}`;
  return `${shortened.slice(0, 200)} (${exit})`;
}

/** Runs default to `dir` as cwd and keep GNU time's output files under it; failure reasons hide it. */
export function useWorkDir(dir) {
  workDir = dir;
  scratchDir = path.join(dir, 'scratch');
  fs.mkdirSync(scratchDir);
}

export function wasAborted() {
  return abortSignal !== null;
}

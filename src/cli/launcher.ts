#!/usr/bin/env node
/**
 * The `sqlmig` executable (dist/cli/sqlmig.cjs, built by scripts/bundle.mjs).
 * It answers `--version` by itself, sets the V8 flags the command runs with,
 * and runs the CLI's bundle (dist/cli/main.cjs, whose entry is bin.ts) from
 * V8's code cache.
 */
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { COMMAND_NAMES, type CommandName } from './commands/names.js';
import { requireWithCodeCache } from './compile-cache.js';
import { packageVersion } from '../package-version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // The one command that needs nothing else: not even the bundle is read.
  process.stdout.write(`${packageVersion()}\n`);
} else {
  const command = argv.find((arg): arg is CommandName => (COMMAND_NAMES as readonly string[]).includes(arg));
  // Set here, before anything is compiled: V8 uses cached code only under the flags it was made with, so a
  // flag set later in a run (or set and reset: its implied flags stay) makes the cache it leaves unusable.
  if (command === 'up' || command === 'down' || command === 'redo') {
    // What these read and build (every file, every script) lives until the run ends: a young generation
    // growing with it only raises peak memory (up of 5,000 migrations: 82 MiB; 104 MiB without the flag, and
    // 112 MiB with it set only once migrations start).
    setFlagsFromString('--semi-space-growth-factor=1');
  } else if (command === 'lint') {
    // Baseline (Liftoff) code only for the parser's WebAssembly, its only module: each parser function runs
    // briefly per file, and optimising them on the other core costs more than it saves (cold lint of
    // LemmyNet: 1.04 -> 0.74 s of CPU, 670 -> 570 ms).
    setFlagsFromString('--liftoff-only');
    // TurboFan later (after 4x V8's default interrupt budget, 67,584): a lint runs a few seconds at most, and
    // optimising every function that turns warm cost more on the other core than the optimised code saved.
    // Alternated rounds, CPU time (wall): LemmyNet --no-cache 0.85x (0.97x), cold 0.79x (0.89x); the synthetic
    // 10,000 files --no-cache 0.92x (0.97x), a middle file edited 0.90x (0.98x). 8x saved no more CPU and cost wall.
    setFlagsFromString('--interrupt-budget=270336');
  }
  const bundle = fileURLToPath(new URL('./main.cjs', import.meta.url));
  // One cache per command: each holds the functions its command ran, so a help run writes none.
  const help = argv.includes('--help') || argv.includes('-h') || argv.find((arg) => !arg.startsWith('-')) === 'help';
  requireWithCodeCache(bundle, process.env.SQLMIG_NO_COMPILE_CACHE ? undefined : (command ?? 'other'), { write: !help });
}

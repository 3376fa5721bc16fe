/**
 * The CLI's process: signals, output errors and the exit code around run().
 * Bundled into dist/cli/main.cjs, which the executable (launcher.ts) runs.
 */
import { getEventListeners } from 'node:events';
import { processIO } from './io.js';
import { run, signalExitCode } from './run.js';

// A reader that went away (`sqlmig history | head`) does not fail the command: it runs to its end, unheard,
// and exits with its own code. Any other output error is a real failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A command with something to clean up listens: the runner's session (it cancels the running statement,
    // rolls back and releases the lock; run() then returns 128 + the signal's number) or a handler of its own.
    // With nothing to clean up, or on a second signal, the process exits at once.
    const cleaning = getEventListeners(interrupt.signal, 'abort').length > 0 || process.listenerCount(signal) > 1;
    if (interrupt.signal.aborted || !cleaning) process.exit(signalExitCode(signal));
    process.stderr.write(`${signal} received: stopping cleanly; press Ctrl-C again to quit at once\n`);
    interrupt.abort(signal);
  });
}

void run(process.argv.slice(2), { ...processIO(), signal: interrupt.signal }).then((code) => {
  // Let pending output flush; exitCode instead of exit() keeps piped stdout intact.
  process.exitCode = code;
});

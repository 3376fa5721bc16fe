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

void run(process.argv.slice(2), processIO(interrupt.signal)).then((code) => {
  process.exitCode = code;
  exitOnceFlushed(code);
});

/**
 * Exits as soon as the event loop holds nothing but the standard streams and their output is all handed to
 * the system: at once, or when the streams still writing (a large report into a pipe) have drained. A natural
 * exit would first wait for V8's background tasks: the concurrent marking of a last garbage collection of what
 * is about to be freed, optimising compiles. Measured: ~20 ms of an idle main thread at the end of linting the
 * benchmark's 10,000 files (--no-cache: 3% of its time); LemmyNet's cold lint, its 2 MB JSON report read from
 * a pipe, 1.06x the baseline's time before it waited for the drain (the same with the report going to a file).
 * Anything else pending (a small write still in flight, which 'drain' does not announce, a timer, a socket)
 * gets the natural exit, which keeps piped output intact. The 'exit' listeners (the compile cache) still run.
 */
function exitOnceFlushed(code: number): void {
  if (!process.getActiveResourcesInfo().every((resource) => STANDARD_STREAMS.has(resource))) return;
  const writing = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  if (writing.length === 0) process.exit(code);
  if (!writing.every((stream) => stream.writableNeedDrain)) return;
  let left = writing.length;
  // Listeners only: a reader that never reads on keeps this process waiting as a natural exit would.
  for (const stream of writing) stream.once('drain', () => --left === 0 && exitOnceFlushed(code));
}

/** What the standard streams show among the active resources: their handles, and their writes in flight. */
const STANDARD_STREAMS = new Set(['TTYWrap', 'PipeWrap', 'WriteWrap', 'SimpleWriteWrap']);

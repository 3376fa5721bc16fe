import { createInterface } from 'node:readline';
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on SIGINT / SIGTERM: commands holding a database session stop cleanly. */
  signal?: AbortSignal;
  /** Where a question is answered; only a terminal is asked (see askOnTerminal). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export function processIO(signal?: AbortSignal): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal,
    // Made on first use: Node builds process.stdin when it is first read (a stream, whose module it loads),
    // 5-8 ms of every run that asks nothing (2 cores, Node 20): every run but a `down` or `redo` that may ask.
    get stdin() {
      return process.stdin;
    },
  };
}

/**
 * A yes/no question on the terminal (stderr, so piped stdout stays clean);
 * undefined when stdin is not a terminal: nobody is there to answer, so the
 * caller refuses instead of guessing.
 */
export function askOnTerminal(io: CliIO): ((question: string) => Promise<boolean>) | undefined {
  const { stdin } = io;
  if (!stdin?.isTTY) return undefined;
  return (question) =>
    new Promise((resolve) => {
      const prompt = createInterface({ input: stdin, output: io.stderr as NodeJS.WritableStream });
      let answered = false;
      prompt.question(question, (answer) => {
        answered = true;
        prompt.close();
        resolve(/^\s*y(es)?\s*$/i.test(answer));
      });
      // Ctrl-D: no.
      prompt.on('close', () => {
        if (!answered) resolve(false);
      });
    });
}

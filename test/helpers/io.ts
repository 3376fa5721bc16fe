import type { CliIO } from '../../src/cli/io.js';

export interface FakeIO extends CliIO {
  stdoutText(): string;
  stderrText(): string;
}

/** An in-memory CliIO for running the CLI in-process. */
export function fakeIO(options: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean } = {}): FakeIO {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (text: string) => out.push(text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => err.push(text), isTTY: options.tty ?? false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
  };
}

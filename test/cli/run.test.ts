import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { COMMAND_NAMES } from '../../src/cli/commands/names.js';
import { fakeIO } from '../helpers/io.js';

describe('run(argv, io)', () => {
  it('--help lists every command of DESIGN.md §2', async () => {
    const io = fakeIO();
    expect(await run(['--help'], io)).toBe(0);
    for (const name of COMMAND_NAMES) expect(io.stdoutText()).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('--version prints the package version and exits 0', async () => {
    const io = fakeIO();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.stdoutText().trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown option is a usage error: exit 2, message on stderr, no stack trace', async () => {
    const io = fakeIO();
    expect(await run(['lint', '--bogus'], io)).toBe(2);
    expect(io.stderrText()).toContain("unknown option '--bogus'");
    expect(io.stderrText()).not.toMatch(/\n\s+at /);
  });

  it('an unknown command is a usage error', async () => {
    const io = fakeIO();
    expect(await run(['frobnicate'], io)).toBe(2);
    expect(io.stderrText()).toContain('frobnicate');
  });

  it('a missing argument is a usage error', async () => {
    const io = fakeIO();
    expect(await run(['explain'], io)).toBe(2);
    expect(io.stderrText()).toContain("missing required argument 'rule'");
  });

  it('never echoes the password of --url, even in usage errors', async () => {
    const io = fakeIO();
    const code = await run(['--url', 'postgres://u:Sup3rSecretPw@127.0.0.1:1/db', 'status', '--bogus'], io);
    expect(code).toBe(2);
    expect(io.stdoutText() + io.stderrText()).not.toContain('Sup3rSecretPw');
  });
});

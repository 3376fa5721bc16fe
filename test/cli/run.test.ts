import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { COMMAND_NAMES, PEER_COMMANDS } from '../../src/cli/commands/names.js';
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

  it("an unknown command another tool's users type names sqlmig's command for it", async () => {
    const expected: Record<string, string> = {
      create: '`new`',
      migrate: '`up`',
      rollback: '`down`',
      version: '`current`',
    };
    for (const [name, suggestion] of Object.entries(expected)) {
      const io = fakeIO();
      expect(await run([name], io)).toBe(2);
      expect(io.stderrText()).toContain(`unknown command '${name}'`);
      expect(io.stderrText()).toContain(suggestion);
    }
    const typo = fakeIO();
    expect(await run(['stauts'], typo)).toBe(2);
    expect(typo.stderrText()).toContain('did you mean status?');
  });

  it('PEER_COMMANDS names no sqlmig command (delete the entry when a command of that name is added)', () => {
    for (const name of Object.keys(PEER_COMMANDS)) expect(COMMAND_NAMES as readonly string[]).not.toContain(name);
  });

  it('the top-level --help names DATABASE_URL, NO_COLOR and FORCE_COLOR', async () => {
    const io = fakeIO();
    expect(await run(['--help'], io)).toBe(0);
    for (const variable of ['DATABASE_URL', 'NO_COLOR', 'FORCE_COLOR']) expect(io.stdoutText()).toMatch(new RegExp(`^  ${variable} `, 'm'));
  });

  describe("each command's --help", () => {
    // lint connects only when given --url (table sizes, the server's version), import only with --history, and then they retry like the others.
    const connecting = ['up', 'down', 'redo', 'status', 'current', 'history', 'stamp', 'validate', 'resolve', 'verify', 'dump', 'lint', 'import'];
    const takesUrl = connecting;
    const formats: Record<string, string[]> = {
      lint: ['pretty', 'json', 'github', 'sarif'],
      verify: ['pretty', 'json', 'github', 'sarif'],
      ...Object.fromEntries(['status', 'current', 'history', 'validate', 'rules'].map((name) => [name, ['pretty', 'json']])),
    };

    async function help(name: string) {
      const io = fakeIO();
      expect(await run([name, '--help'], io)).toBe(0);
      const [own, globals = ''] = io.stdoutText().split('\nGlobal Options:\n');
      const flags = (text: string) => [...text.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((match) => match[1]);
      return { own: flags(own!), globals: flags(globals), globalsText: globals.replace(/\s+/g, ' ') };
    }

    it.each([...COMMAND_NAMES])('%s lists the global options it uses', async (name) => {
      const { own, globals, globalsText } = await help(name);
      const expected = ['--config'];
      if (name !== 'init') expect(globals).toEqual(expect.arrayContaining(['--env', '--env-file']));
      if (takesUrl.includes(name)) expected.push('--url');
      expected.push('--dir');
      // import names its source's tool with its own --from.
      if ((takesUrl.includes(name) && name !== 'import') || name === 'new' || name === 'hash') expected.push('--layout');
      if (formats[name]) expected.push('--format');
      expected.push('--no-color', '--quiet', '--verbose');
      expect(globals.filter((flag) => flag !== '--env' && flag !== '--env-file')).toEqual(expected);
      if (formats[name]) {
        expect(globalsText).toContain(`(choices: ${formats[name]!.map((format) => `"${format}"`).join(', ')})`);
      }
      // Every command that connects retries the first connection with --wait, as the README says.
      if (connecting.includes(name)) expect(own).toContain('--wait');
      expect(globals).not.toContain('--version');
    });
  });

  it('a --format the command does not print is a usage error (exit 2), not ignored', async () => {
    for (const argv of [
      ['up', '--format', 'json'],
      ['--format', 'json', 'new', 'add users'],
      ['status', '--format', 'sarif'],
      ['validate', '--format', 'github'],
      ['hash', '--format', 'json'],
    ]) {
      const io = fakeIO({ cwd: '/nonexistent-sqlmig-folder' });
      expect(await run(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderrText()).toMatch(/`sqlmig \w+` prints (text only \(pretty\)|pretty or json), not \w+/);
      expect(io.stdoutText()).toBe('');
    }
  });

  it('verify takes --wait like every connecting command', async () => {
    const io = fakeIO();
    expect(await run(['verify', '--wait', 'soon'], io)).toBe(2);
    expect(io.stderrText()).toContain('--wait expects a number of seconds, got "soon"');
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

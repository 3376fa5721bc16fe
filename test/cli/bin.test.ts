/**
 * The built executable's own process handling (dist/, built by `npm test`):
 * output to a reader that went away.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../dist/cli/sqlmig.cjs', import.meta.url));

describe('sqlmig executable', () => {
  it('a closed stdout (`sqlmig rules | head -0`) is no crash: no stack trace, the command’s own exit code', async () => {
    const child = spawn(process.execPath, [bin, 'rules'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first line is written
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

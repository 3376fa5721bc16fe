/**
 * The built executable's own process handling (dist/, built by `npm test`):
 * output to a reader that went away, or that reads slowly.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
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

  it('a report far larger than a pipe holds, read slowly, arrives whole, with the exit code (the process exits once it drained)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sqlmig-bin-'));
    try {
      mkdirSync(join(root, 'sql'));
      for (let i = 1; i <= 800; i++) {
        const version = String(i).padStart(4, '0');
        writeFileSync(join(root, 'sql', `${version}_t${i}.up.sql`), `CREATE TABLE t${i} (id int, created timestamp, code char(2));\n`);
        writeFileSync(join(root, 'sql', `${version}_t${i}.down.sql`), `DROP TABLE t${i};\n`);
      }
      const child = spawn(process.execPath, [bin, 'lint', '--dir', 'sql', '--format', 'json', '--no-cache'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      // A reader slower than the writer: the pipe fills, and the report's end waits in the process.
      const slowReader = new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          setTimeout(done, 5);
        },
      });
      child.stdout.pipe(slowReader);
      const read = new Promise((resolve) => slowReader.on('finish', resolve));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      await read;
      const output = Buffer.concat(chunks);
      expect(output.length).toBeGreaterThan(512 * 1024); // an exit before the drain (process.exit at once) delivered ~220 KB of it
      const report = JSON.parse(output.toString()) as { fileCount: number; diagnostics: Array<{ rule: string }> };
      expect(report.fileCount).toBe(1600);
      expect(report.diagnostics.filter((d) => d.rule === 'require-if-not-exists')).toHaveLength(800);
      expect(code).toBe(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

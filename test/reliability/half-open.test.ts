/**
 * A half-open connection: the path to the server stops carrying packets and
 * no reset ever arrives (a TCP proxy here that stops forwarding). Without a
 * deadline `up` would wait for ever; with --timeout it ends with exit 2 and
 * says the server decides whether the migration committed.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { withConnection } from '../helpers/database.js';
import { cli, createProject } from '../fixtures/runner/project.js';
import { expectCleanOutput, freshDatabaseWithPassword, waitForRunning } from './helpers.js';

const server = freshDatabaseWithPassword();

/** Forwards to the test server until `freeze`, then keeps every socket open and silent: no FIN, no RST. */
async function startProxy(target: URL): Promise<{ port: number; freeze(): void }> {
  const sockets: Socket[] = [];
  let frozen = false;
  const proxy: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.push(client, upstream);
    const forward = (from: Socket, to: Socket) => from.on('data', (chunk: Buffer) => (frozen ? undefined : to.write(chunk)));
    forward(client, upstream);
    forward(upstream, client);
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  });
  const address = proxy.address();
  return { port: typeof address === 'object' && address ? address.port : 0, freeze: () => (frozen = true) };
}

describe('a half-open connection', () => {
  it('up with --timeout: exit 2 within the deadline, "committed or not: run status"; the server did commit', async () => {
    const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
    const project = await createProject({ config: { schema } });
    onTestFinished(() => project.cleanup());
    await project.write('0001_slow.up.sql', `CREATE TABLE ${schema}.t (id int);\nSELECT pg_sleep(2);\n`);
    const proxy = await startProxy(new URL(server.url));
    const through = new URL(server.url);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);

    const started = Date.now();
    const running = cli(project, ['--url', through.toString(), 'up', '--no-lint', '--timeout', '4']);
    await waitForRunning(server.db.url, 'pg_sleep(2)');
    proxy.freeze();
    const result = await running;
    // Not a timing measurement: without the deadline this never returns.
    expect(Date.now() - started).toBeLessThan(20_000);
    expectCleanOutput(result, { codes: [2] });
    expect(result.stderr).toContain('gave up after 4 s (--timeout, config "runTimeout"): the server stopped answering');
    expect(result.stderr).toContain('committed together with its tracking row or not at all');
    expect(result.stderr).toContain('run `sqlmig status`');
    // The server finished the message on its own: status through a working connection tells.
    const rows = await withConnection(server.db.url, (sql) => sql.unsafe(`SELECT version::int AS v, dirty FROM ${schema}.sqlmig_migrations`));
    expect(rows).toEqual([{ v: 1, dirty: false }]);
  });

  it('runTimeout in the config: the same without --timeout', async () => {
    const schema = `s_${Math.random().toString(36).slice(2, 10)}`;
    const project = await createProject({ config: { schema, runTimeout: 3 } });
    onTestFinished(() => project.cleanup());
    await project.write('0001_slow.up.sql', `SELECT pg_sleep(2);\n`);
    const proxy = await startProxy(new URL(server.url));
    const through = new URL(server.url);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    const running = cli(project, ['--url', through.toString(), 'up', '--no-lint']);
    await waitForRunning(server.db.url, 'pg_sleep(2)');
    proxy.freeze();
    const result = await running;
    expectCleanOutput(result, { codes: [2] });
    expect(result.stderr).toContain('gave up after 3 s');
  });
});

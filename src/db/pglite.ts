import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { messages, PGlite, types } from '@electric-sql/pglite';
import type { ResolvedConnection } from '../config/types.js';
import { ConnectionError } from '../errors.js';
import { ExtensionInstaller, shippedExtensions } from './pglite-extensions.js';
import { lockFolder } from './pglite-lock.js';
import { discardTemplate, readTemplate, saveTemplate } from './pglite-template.js';
import { ServerError, type DatabaseSession, type Notice, type OpenOptions, type Row } from './port.js';

/** How long a second process waits for the one holding the data folder when no `wait` is given (sqlmig commands are short). */
const DEFAULT_FOLDER_WAIT_SECONDS = 10;

/**
 * Opens the embedded PostgreSQL (PGlite): `pglite://memory` is a new empty
 * database that lives as long as the session; `pglite://<folder>` keeps one on
 * disk (created with its parent folders on first use), held by this process
 * until `close()`. Loaded only through `openDatabase`, so commands that never
 * open PGlite never load its WebAssembly.
 */
export async function openPglite(connection: ResolvedConnection, options: OpenOptions = {}): Promise<DatabaseSession> {
  if (!connection.pglite) throw new Error(`openPglite needs a resolved pglite: connection, got ${connection.redacted}`);
  const { dataDir } = connection.pglite;
  let release = async () => {};
  if (dataDir !== null) {
    // Owner only (PostgreSQL itself insists on 0700 for a data folder), and so is every folder made above it (.sqlmig/).
    await mkdir(dataDir, { recursive: true, mode: 0o700 }).catch((error: Error) => {
      throw new ConnectionError(`cannot create the embedded database folder ${dataDir}: ${error.message}`, {
        hint: 'check the path in the pglite:// URL and that its parent folder is writable',
      });
    });
    const unlock = await lockFolder(dataDir, { waitSeconds: options.wait ?? DEFAULT_FOLDER_WAIT_SECONDS, onWait: options.onRetry });
    release = async () => {
      await makePrivate(dataDir);
      await unlock();
    };
  }
  let pg: PGlite | undefined;
  try {
    pg = await startPglite(dataDir);
    const session = new PgliteSession(pg, connection.redacted, options, release);
    // Extensions created in an earlier session need their files again (they live in PGlite's memory, not the folder).
    if (dataDir !== null) await session.installCreatedExtensions();
    return session;
  } catch (error) {
    await pg?.close().catch(() => undefined);
    await release();
    if (error instanceof ConnectionError) throw error;
    throw new ConnectionError(`cannot open the embedded database ${connection.redacted}: ${(error as Error).message}`, {
      hint:
        dataDir === null
          ? 'PGlite could not start; run with --verbose and report it'
          : `the folder may hold a database from another PGlite version, or something else; it is only the embedded development database: delete ${dataDir} to start over`,
      cause: error,
    });
  }
}

/**
 * PGlite creates its files world-readable and writable (0666), whatever the
 * umask; the folder is made owner-only again before another process may open it.
 * Best effort: the 0700 folders above it already keep others out.
 */
async function makePrivate(dataDir: string): Promise<void> {
  try {
    const entries = await readdir(dataDir, { withFileTypes: true, recursive: true });
    await Promise.all([
      chmod(dataDir, 0o700),
      ...entries.map((entry) => chmod(join(entry.parentPath ?? entry.path, entry.name), entry.isDirectory() ? 0o700 : 0o600)),
    ]);
  } catch {
    // a file removed meanwhile, or a folder we may not change: nothing to do
  }
}

/** int8 as a string, as postgres.js returns it: a bigint can exceed Number's exact range. */
const PARSERS = { [types.INT8]: (value: string) => value };

/** Starts PGlite on the folder, or in memory from the initdb template when there is one (else making it). */
async function startPglite(dataDir: string | null): Promise<PGlite> {
  if (dataDir !== null) return ready(new PGlite({ dataDir, parsers: PARSERS }));
  const template = await readTemplate();
  if (template) {
    try {
      return await ready(new PGlite({ loadDataDir: template, parsers: PARSERS }));
    } catch {
      await discardTemplate();
    }
  }
  const pg = await ready(new PGlite({ parsers: PARSERS }));
  await saveTemplate(pg);
  return pg;
}

async function ready(pg: PGlite): Promise<PGlite> {
  try {
    await pg.waitReady;
    return pg;
  } catch (error) {
    await pg.close().catch(() => undefined);
    throw error;
  }
}

class PgliteSession implements DatabaseSession {
  readonly kind = 'pglite';
  readonly positionUnit = 'character';
  readonly resetSql = 'SET SESSION AUTHORIZATION DEFAULT;\nRESET ALL;';
  private readonly extensions: ExtensionInstaller;
  private readonly onNotice: (notice: messages.NoticeMessage) => void;
  private state: 'open' | 'crashed' | 'closed' = 'open';

  constructor(
    private readonly pg: PGlite,
    private readonly label: string,
    options: OpenOptions,
    private readonly release: () => Promise<void>,
  ) {
    this.extensions = new ExtensionInstaller(pg.Module.FS, pg.Module.WASM_PREFIX);
    this.onNotice = (notice) => options.onNotice?.(toNotice(notice));
  }

  async installCreatedExtensions(): Promise<void> {
    const rows = await this.query<{ extname: string }>('SELECT extname FROM pg_extension');
    for (const { extname } of rows) await this.extensions.install(extname);
  }

  async exec(script: string): Promise<void> {
    await this.run(script, () => this.pg.exec(script, { onNotice: this.onNotice }));
  }

  async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.run(text, () => this.pg.query<T>(text, [...params], { onNotice: this.onNotice }));
    return result.rows;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    try {
      await this.pg.close();
    } catch {
      // closing a crashed instance fails; the lock is released all the same
    } finally {
      await this.release();
    }
  }

  private async run<R>(sql: string, send: () => Promise<R>): Promise<R> {
    if (this.state !== 'open') {
      throw new ConnectionError(`the embedded database ${this.label} is ${this.state === 'closed' ? 'closed' : 'no longer usable'}`);
    }
    await this.extensions.prepareFor(sql);
    try {
      return await send();
    } catch (error) {
      if (error instanceof messages.DatabaseError) throw await toServerError(error);
      // A WebAssembly trap (RuntimeError: unreachable, out of bounds) leaves the instance unusable.
      if (error instanceof Error && error.name === 'RuntimeError') {
        this.state = 'crashed';
        throw new ConnectionError(`the embedded database ${this.label} crashed: ${error.message}`, {
          hint: 'PGlite stopped inside PostgreSQL; run the command again, and report it with the migration that ran if it repeats',
          cause: error,
        });
      }
      throw error;
    }
  }
}

async function toServerError(error: messages.DatabaseError): Promise<ServerError> {
  const position = Number(error.position);
  return new ServerError({
    message: error.message,
    code: error.code,
    position: Number.isInteger(position) && position > 0 ? position : undefined,
    detail: error.detail,
    hint: (await missingExtensionHint(error)) ?? error.hint,
    where: error.where,
    severity: error.severity,
  });
}

/** PostgreSQL's hint ("must first be installed on the system") cannot be acted on for PGlite: say what it does ship instead. */
async function missingExtensionHint(error: messages.DatabaseError): Promise<string | undefined> {
  const missing = error.code === '0A000' ? /^extension "(.+)" is not available$/.exec(error.message) : null;
  if (!missing) return undefined;
  return (
    `the embedded database (PGlite) does not ship the extension "${missing[1]}"; it ships ${(await shippedExtensions()).join(', ')}. ` +
    'Use a PostgreSQL server that has it: pass its URL with --url'
  );
}

function toNotice(notice: messages.NoticeMessage): Notice {
  return { severity: notice.severity ?? 'NOTICE', message: notice.message ?? '', code: notice.code };
}

import { basename, relative } from 'node:path';
import { readDumpFile, readDumpOrigin, writeDumpFile } from '../migrations/dump-origin.js';
import type { CommandContext } from './context.js';

/**
 * `dumpSchema`: after `up`, `down`, `redo` and `new`, rewrites the schema dump
 * when the up files changed since it was written (its origin line), so a pull
 * request shows the migrations and the schema they produce together. It is
 * the schema of every migration file, whatever the database's version, which
 * is what `lint` checks it against; it is applied in PGlite, not in the
 * database just migrated (that one may hold more than the migrations made).
 * A failure is a warning: the migrations that ran stay applied, and lint
 * (stale-schema-dump) reports the dump until it is written.
 */
export async function refreshSchemaDump(ctx: CommandContext): Promise<void> {
  const config = await ctx.config();
  const path = config.dumpSchema;
  if (path === null) return;
  // Loaded only here: the dump's modules (PGlite's runner, the catalog queries, the renderer) are most of what
  // `up` would otherwise initialise on every run without dumpSchema.
  const { currentOrigin, dump } = await import('../dump/dump.js');
  const shown = relative(ctx.io.cwd, path) || basename(path);
  try {
    const text = readDumpFile(path);
    const recorded = text === null ? null : readDumpOrigin(text);
    if (recorded !== null && recorded.digest === currentOrigin(config).digest) return;
    const result = await dump({ config, cwd: ctx.io.cwd, env: ctx.io.env, signal: ctx.io.signal });
    writeDumpFile(path, result.sql);
    ctx.info(`wrote ${shown} (dumpSchema)`);
  } catch (error) {
    if (ctx.io.signal?.aborted) throw error;
    ctx.err(`warning: dumpSchema: could not write ${shown}: ${error instanceof Error ? error.message : String(error)}`);
    ctx.err(`hint: fix the cause and run \`sqlmig dump -o ${shown}\` (add --url <server> when PGlite cannot run the migrations)`);
  }
}

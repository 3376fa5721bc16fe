import { relative } from 'node:path';
import type { ExitCode } from '../../errors.js';
import { createMigration } from '../../migrations/index.js';
import type { CommandContext } from '../context.js';
import { refreshSchemaDump } from '../schema-dump.js';

/** `sqlmig new <description>`: prints the two new paths on stdout (e.g. for `$EDITOR $(sqlmig new …)`). */
export default async function newCommand(ctx: CommandContext, description: string): Promise<ExitCode> {
  const config = await ctx.config();
  const created = await createMigration(config.dir, description);
  ctx.out(relative(ctx.io.cwd, created.up));
  ctx.out(relative(ctx.io.cwd, created.down));
  ctx.info(`updated ${relative(ctx.io.cwd, created.sum)}`);
  await refreshSchemaDump(ctx);
  return 0;
}

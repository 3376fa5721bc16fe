import { NotImplementedError, type ExitCode } from '../../errors.js';
import type { CommandContext } from '../context.js';

export default async function stamp(_ctx: CommandContext): Promise<ExitCode> {
  throw new NotImplementedError('stamp');
}

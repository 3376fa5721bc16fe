// The startup group: `sqlmig --version` against a bare `node -e 0`.

import { contender, nodeBaseline } from './groups.mjs';
import { node, sqlmigBin } from './paths.mjs';

export function startupGroup(peers, reps) {
  return {
    id: 'startup',
    title: 'Startup: sqlmig --version',
    ratioTo: 'node -e 0',
    reps,
    contenders: [
      contender('sqlmig', 'sqlmig --version', {
        isSqlmig: true,
        unavailable: peers.sqlmigMissing,
        command: () => [node, [sqlmigBin, '--version']],
        verify(result) {
          if (!/\d+\.\d+\.\d+/.test(result.stdout)) throw new Error(`unexpected output: ${result.stdout.trim().slice(0, 80)}`);
        },
      }),
      nodeBaseline(),
    ],
  };
}

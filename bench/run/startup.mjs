// The startup group: `sqlmig --version` against a bare `node -e 0`.

import { twinLines } from './builds.mjs';
import { contender, nodeBaseline } from './groups.mjs';
import { node } from './paths.mjs';

export function startupGroup(builds, reps) {
  return {
    id: 'startup',
    title: 'Startup: sqlmig --version',
    ratioTo: 'node -e 0',
    reps,
    contenders: [
      ...twinLines(builds, (build) => [
        contender('sqlmig', 'sqlmig --version', {
          build,
          command: () => [node, [build.bin, '--version']],
          verify(result) {
            if (!/\d+\.\d+\.\d+/.test(result.stdout)) throw new Error(`unexpected output: ${result.stdout.trim().slice(0, 80)}`);
          },
        }),
      ]),
      nodeBaseline(),
    ],
  };
}

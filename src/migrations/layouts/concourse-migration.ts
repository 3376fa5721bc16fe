import { join } from 'node:path';
import { compareIntegers, compareStrings, leftOutFile, sortLeftOut, wholeFile } from './folder.js';
import type { Layout, LayoutMigration, LayoutPart, LeftOut } from './types.js';
import { notSql } from './versioned-files.js';

const NAME = /^(\d+)_(.*)\.(up|down)\.sql$/;

/**
 * concourse's migrator: `{version}_{name}.(up|down).(sql|go)`, ordered by the integer version,
 * every file in its own transaction, no opt-out. One version may hold two migrations (the up and
 * down files pair by name; a version's single up and single down pair even when a typo made their
 * names differ). Go migrations are code: left out, named, with a SQL down whose up is Go.
 * Chosen with `--layout concourse-migration`: its names are sqlmig's.
 */
export const concourseMigration: Layout = {
  id: 'concourse-migration',
  description: 'concourse migration ({version}_{name}.up.sql / .down.sql, Go migrations left out)',
  detect: () => false,
  read: (listing) => {
    const leftOut: LeftOut[] = [];
    const byVersion = new Map<string, Array<{ name: string; direction: 'up' | 'down'; part: LayoutPart }>>();
    for (const file of listing.files) {
      const match = NAME.exec(file);
      if (!match) {
        const { reason, needsAttention } = notSql(file);
        leftOut.push(leftOutFile(listing.dir, file, reason, needsAttention));
        continue;
      }
      const group = byVersion.get(match[1]!) ?? [];
      group.push({ name: match[2]!, direction: match[3] as 'up' | 'down', part: wholeFile(join(listing.dir, file), false) });
      byVersion.set(match[1]!, group);
    }
    const migrations: LayoutMigration[] = [];
    for (const version of [...byVersion.keys()].sort(compareIntegers)) {
      const group = byVersion.get(version)!;
      const ups = group.filter((entry) => entry.direction === 'up').sort((a, b) => compareStrings(a.name, b.name));
      let downs = group.filter((entry) => entry.direction === 'down');
      for (const up of ups) {
        let down = downs.find((entry) => entry.name === up.name);
        if (!down && ups.length === 1 && downs.length === 1) down = downs[0];
        downs = downs.filter((entry) => entry !== down);
        migrations.push({ version, name: up.name, up: up.part, ...(down ? { down: down.part } : {}) });
      }
      for (const down of downs) leftOut.push({ path: down.part.path, reason: 'a down file without a SQL up file (its up is probably a Go migration)', needsAttention: true });
    }
    return { layout: 'concourse-migration', dir: listing.dir, migrations, leftOut: sortLeftOut(leftOut) };
  },
};

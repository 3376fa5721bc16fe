// The floor under any `lint` built on libpg-query in Node, for bench/run.mjs: Node starts, loads
// the parser's WebAssembly, reads each file and parses it, JSON.parse of the tree included, through
// the same binding sqlmig uses (dist/src/parse/libpg.js). No statement view, no rule, no cache, no
// report. bench/run.mjs runs it with --liftoff-only, the flag `sqlmig lint` runs with.
//
//   node --liftoff-only bench/parser-floor.mjs <file>...

import { readFileSync } from 'node:fs';

const { loadPgParser } = await import(new URL('../dist/src/parse/libpg.js', import.meta.url).href);
const parser = await loadPgParser();
let statements = 0;
let rejected = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') continue;
  try {
    statements += parser.parse(text).stmts?.length ?? 0;
  } catch {
    rejected++;
  }
}
process.stdout.write(`${statements.toLocaleString('en-US')} statements; ${rejected} files rejected\n`);

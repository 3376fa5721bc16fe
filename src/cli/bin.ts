#!/usr/bin/env node
import { processIO } from './io.js';
import { run } from './run.js';

const code = await run(process.argv.slice(2), processIO());
// Let pending output flush; exitCode instead of exit() keeps piped stdout intact.
process.exitCode = code;

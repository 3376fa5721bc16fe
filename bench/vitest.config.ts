import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Size and speed tests (bench/size): part of `npm run bench`, never of `npm test`, whose results must
// not depend on how busy the machine is.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['bench/size/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

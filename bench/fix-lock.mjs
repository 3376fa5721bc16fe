// Run after any `npm install` that rewrites package-lock.json: `node bench/fix-lock.mjs`.
// Adds lock entries for optional platform packages the local registry does not serve,
// so `npm ci` accepts the lock; on a non-matching platform npm skips them without fetching.
import { readFileSync, writeFileSync } from 'node:fs';
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
let added = 0;
for (const parent of ['dbmate', 'squawk-cli']) {
  const entry = lock.packages[`node_modules/${parent}`];
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const [os, cpu] = name.split('/')[1].split('-');
    lock.packages[key] = { version, cpu: [cpu === 'ia32' ? 'ia32' : cpu], dev: true, license: entry.license, optional: true, os: [os === 'win32' ? 'win32' : os] };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log('added', added);

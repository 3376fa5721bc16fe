import { readFileSync } from 'node:fs';

/** The package version, read from package.json above dist/ (dist/src/, the dist/cli bundle) or above src/ (vitest). */
export function packageVersion(): string {
  for (const relative of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sqlmig' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

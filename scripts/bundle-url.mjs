// Injected into the CommonJS bundles by scripts/bundle.mjs as what `import.meta.url` stood for: the file's own URL.
import { pathToFileURL } from 'node:url';

export const bundleUrl = pathToFileURL(__filename).href;

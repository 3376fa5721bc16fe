/** A regular file in a tar archive. */
export interface TarFile {
  /** Path inside the archive, e.g. `share/postgresql/extension/pg_trgm.control`. */
  path: string;
  data: Uint8Array;
}

const BLOCK = 512;

/**
 * The regular files of a ustar archive (what PGlite's extension bundles are).
 * Directories, links and extended headers are skipped: the bundles hold only
 * plain files with short paths.
 */
export function untar(archive: Uint8Array): TarFile[] {
  const files: TarFile[] = [];
  const text = (start: number, length: number) =>
    Buffer.from(archive.subarray(start, start + length)).toString('utf8').replace(/\0.*$/s, '');
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const name = text(offset, 100);
    if (name === '') break; // the end-of-archive marker: zero blocks
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = text(offset + 156, 1);
    const prefix = text(offset + 257, 6) === 'ustar' ? text(offset + 345, 155) : '';
    const dataStart = offset + BLOCK;
    if (type === '0' || type === '') {
      files.push({ path: prefix ? `${prefix}/${name}` : name, data: archive.subarray(dataStart, dataStart + size) });
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

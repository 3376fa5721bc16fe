/** Node's filesystem errors carry a `code` such as `ENOENT`. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** A short reason a user can act on, instead of Node's `ENOENT: no such file or directory, open '…'`. */
export function fsErrorReason(error: unknown): string {
  switch (errnoCode(error)) {
    case 'ENOENT':
      return 'it does not exist (deleted or renamed while sqlmig was running?)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

import { ArgumentError } from '../core/index.js';

/**
 * A folder of the Node file system from a path or `file:` URL (for ensemble save and load; not exported from the package).
 * @param location - A path or `file:` URL.
 * @param fn - The public function, for messages.
 * @param argument - The argument, for messages.
 * @returns The path.
 * @throws {ArgumentError} For anything else.
 */
export async function folderPath(location: string | URL, fn: string, argument: string): Promise<string> {
  const isUrl = location instanceof URL || (typeof location === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !/^[a-z]:[\\/]/i.test(location));
  if (typeof location === 'string' && !isUrl && location.length > 0) return location;
  const href = location instanceof URL ? location.href : String(location);
  if (isUrl && /^file:/i.test(href)) {
    const { fileURLToPath } = await import('node:url');
    return fileURLToPath(href);
  }
  throw new ArgumentError(fn, argument, 'a folder path or a file: URL (Node)', location);
}

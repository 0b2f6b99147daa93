import { readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { isImageFileName } from '../data/index.js';
import { CliError } from './cliError.js';

/**
 * Every image file under a folder, at any depth, sorted, as paths relative to it (`/`-separated); hidden folders
 * (such as a synthetic cohort's `.masks`) and `skip` are left out.
 *
 * @param root - The folder.
 * @param skip - A folder to leave out (e.g. the output folder when it lies inside `root`).
 * @returns Relative paths.
 * @throws CliError when `root` is not a readable folder.
 */
export async function listImageFiles(root: string, skip?: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw new CliError(`cannot read the folder ${root}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const skipped = skip === undefined ? undefined : resolve(skip) + sep;
  return entries
    .filter((e) => e.isFile() && isImageFileName(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => !relative(root, p).split(sep).some((part) => part.startsWith('.')))
    .filter((p) => skipped === undefined || !resolve(p).startsWith(skipped))
    .map((p) => relative(root, p).split(sep).join('/'))
    .sort();
}

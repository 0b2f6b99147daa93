/**
 * Paths to the project's shared, read-only data (never copied into the repo).
 *
 * - `LYMPHOMIX_SHARED_DIR` points at the shared folder (default: `../shared` beside the repository).
 * - `LYMPHOMIX_DLMI_DIR` points at the real cohort (default: `<shared>/data/dlmi/trainset`).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Root of the shared folder. */
export const SHARED_DIR = resolve(process.env.LYMPHOMIX_SHARED_DIR ?? join(repoRoot, '..', 'shared'));
/** The real development cohort (challenge layout: one folder per patient + trainset_true.csv). */
export const DLMI_DIR = resolve(process.env.LYMPHOMIX_DLMI_DIR ?? join(SHARED_DIR, 'data', 'dlmi', 'trainset'));
/** Reference outputs of the independent OpenCV/NumPy implementation. */
export const REFERENCE_DIR = join(SHARED_DIR, 'reference');
/** Files that decoders trip on, with a README of the expected behaviour. */
export const BAD_IMAGES_DIR = join(SHARED_DIR, 'data', 'bad-images');

/** Join a path under the shared folder and fail with a clear message if it is missing. */
export function sharedPath(...parts: string[]): string {
  const p = join(SHARED_DIR, ...parts);
  if (!existsSync(p)) {
    throw new Error(`shared data not found: ${p} (set LYMPHOMIX_SHARED_DIR to the shared folder)`);
  }
  return p;
}

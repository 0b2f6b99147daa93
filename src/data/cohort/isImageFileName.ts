import { SUPPORTED_IMAGE_EXTENSIONS } from '../../io/image/imageHeader.js';

/**
 * File extensions (lower case, with the dot) that the cohort loaders treat as images: those of the formats every
 * decoder reads (`SUPPORTED_IMAGE_EXTENSIONS`: JPEG, PNG, BMP, TIFF, GIF; not WebP, which the decoders refuse).
 */
export const IMAGE_EXTENSIONS: readonly string[] = SUPPORTED_IMAGE_EXTENSIONS;

/**
 * Whether a file name has one of the given image extensions (compared case-insensitively).
 *
 * @param name - a file name or path
 * @param extensions - lower-case extensions with the dot. Defaults to {@link IMAGE_EXTENSIONS}.
 * @returns true for e.g. `000000.jpg` or `A.JPEG`
 * @example
 * isImageFileName('P999/000000.jpg'); // true
 * isImageFileName('notes.txt'); // false
 */
export function isImageFileName(name: string, extensions: readonly string[] = IMAGE_EXTENSIONS): boolean {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && extensions.includes(name.slice(dot).toLowerCase());
}

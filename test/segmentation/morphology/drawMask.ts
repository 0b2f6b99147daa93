import { createMask } from '../../../src/io/image/rgbImage.js';
import type { Mask } from '../../../src/io/image/rgbImage.js';

/** A mask from rows of '#' (foreground) and '.' (background); all rows the same length. */
export function drawMask(...rows: string[]): Mask {
  const w = rows[0]!.length;
  return createMask(w, rows.length, Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0)));
}

/** The rows of a mask as '#'/'.' strings (inverse of {@link drawMask}). */
export function maskRows(m: Mask): string[] {
  const [h, w] = m.shape as [number, number];
  return Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => (m.get(y, x) ? '#' : '.')).join(''));
}

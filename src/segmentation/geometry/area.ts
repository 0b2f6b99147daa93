import { toContiguousMask } from '../../io/image/rgbImage.js';
import type { Mask } from '../../io/image/rgbImage.js';
import type { Point } from './point.js';

/**
 * Number of foreground pixels of a mask (the pixel-count area used for `area` and `areaConvex`).
 *
 * @param mask - [H, W] uint8, non-zero = foreground
 * @returns the count, an integer in [0, H·W]
 * @example
 * maskArea(createMask(2, 2, new Uint8Array([1, 0, 1, 1]))); // 3
 */
export function maskArea(mask: Mask): number {
  const d = toContiguousMask(mask, 'maskArea').data;
  let n = 0;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
  return n;
}

/**
 * Area enclosed by a simple polygon through the pixel centres (shoelace formula, OpenCV
 * `contourArea`). It is smaller than the pixel count of the filled polygon, which also counts the
 * half pixels outside the centre line.
 *
 * @param polygon - vertices in order (either orientation)
 * @returns the unsigned area in square pixels (0 for fewer than three vertices)
 * @example
 * polygonArea([{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 3 }]); // 6
 */
export function polygonArea(polygon: readonly Point[]): number {
  const n = polygon.length;
  if (n < 3) return 0;
  let s = 0;
  let prev = polygon[n - 1]!;
  for (const p of polygon) {
    s += prev.x * p.y - p.x * prev.y;
    prev = p;
  }
  return Math.abs(s) / 2;
}

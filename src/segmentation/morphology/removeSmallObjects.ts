import { createMask, toContiguousMask } from '../../io/image/rgbImage.js';
import type { Mask } from '../../io/image/rgbImage.js';
import { checkConnectivity, labelComponents } from './connectedComponents.js';
import type { Connectivity } from './connectedComponents.js';
import { checkNumber } from '../../core/index.js';

/** Options of {@link removeSmallObjects}. */
export interface RemoveSmallObjectsOptions {
  /** Components with fewer pixels than this are removed. Defaults to 64 (scikit-image's default). */
  minSize?: number;
  /**
   * Alternatively, a fraction of the largest component's area: components smaller than
   * `minFractionOfLargest · largest` are removed (when both are given the larger bound applies).
   * Defaults to 0 (unused).
   */
  minFractionOfLargest?: number;
  /** Neighbourhood that joins foreground pixels. Defaults to 8. */
  connectivity?: Connectivity;
}

/**
 * Remove connected components smaller than a size (scikit-image `remove_small_objects`:
 * components with area < minSize go, area ≥ minSize stay).
 *
 * @param mask - [H, W] uint8, non-zero = foreground
 * @param options - see {@link RemoveSmallObjectsOptions}
 * @returns a new [H, W] 0/1 mask
 * @throws RangeError naming `removeSmallObjects` for a negative size or fraction
 * @example
 * removeSmallObjects(mask, { minFractionOfLargest: 0.1, minSize: 0 }); // drop specks under 1/10 of the largest
 */
export function removeSmallObjects(mask: Mask, options: RemoveSmallObjectsOptions = {}): Mask {
  const minSize = options.minSize ?? 64;
  const fraction = options.minFractionOfLargest ?? 0;
  const connectivity = options.connectivity ?? 8;
  checkNumber('removeSmallObjects', 'options.minSize', minSize, { min: 0 });
  checkNumber('removeSmallObjects', 'options.minFractionOfLargest', fraction, { min: 0, max: 1 });
  checkConnectivity(connectivity, 'removeSmallObjects');
  const m = toContiguousMask(mask, 'removeSmallObjects');
  const [h, w] = m.shape as [number, number];
  const { labels, count, areas } = labelComponents(m.data, w, h, connectivity);
  let largest = 0;
  for (let i = 1; i <= count; i++) largest = Math.max(largest, areas[i]!);
  const bound = Math.max(minSize, fraction * largest);
  const keep = new Uint8Array(count + 1);
  for (let i = 1; i <= count; i++) keep[i] = areas[i]! >= bound ? 1 : 0;
  const out = createMask(w, h);
  for (let i = 0; i < labels.length; i++) out.data[i] = keep[labels[i]!]!;
  return out;
}

import { createMask, toContiguousMask } from '../../io/image/rgbImage.js';
import type { Mask } from '../../io/image/rgbImage.js';
import { checkConnectivity, labelComponents } from './connectedComponents.js';
import type { Connectivity } from './connectedComponents.js';

/** Options of {@link largestComponent}. */
export interface LargestComponentOptions {
  /** Neighbourhood that joins foreground pixels. Defaults to 8. */
  connectivity?: Connectivity;
}

/**
 * Keep only the largest connected component of a mask (ties: the component whose first pixel
 * comes first in raster order).
 *
 * @param mask - [H, W] uint8, non-zero = foreground
 * @param options - see {@link LargestComponentOptions}
 * @returns a new [H, W] 0/1 mask; all zeros when the input is empty
 * @example
 * const nucleus = largestComponent(foreground);
 */
export function largestComponent(mask: Mask, options: LargestComponentOptions = {}): Mask {
  const connectivity = options.connectivity ?? 8;
  checkConnectivity(connectivity, 'largestComponent');
  const m = toContiguousMask(mask, 'largestComponent');
  const [h, w] = m.shape as [number, number];
  const { labels, count, areas } = labelComponents(m.data, w, h, connectivity);
  const out = createMask(w, h);
  if (count === 0) return out;
  let best = 1;
  for (let i = 2; i <= count; i++) if (areas[i]! > areas[best]!) best = i;
  for (let i = 0; i < labels.length; i++) out.data[i] = labels[i] === best ? 1 : 0;
  return out;
}

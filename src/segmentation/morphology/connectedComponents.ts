import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { toContiguousMask } from '../../io/image/rgbImage.js';
import type { Mask } from '../../io/image/rgbImage.js';
import { labelRuns } from './labelRuns.js';
import { checkOneOf } from '../../core/index.js';

/** Pixel connectivity: 4 (edge neighbours) or 8 (edge and corner neighbours). */
export type Connectivity = 4 | 8;

/** Options of {@link connectedComponents}. */
export interface ConnectedComponentsOptions {
  /** Neighbourhood that joins foreground pixels. Defaults to 8 (OpenCV's default). */
  connectivity?: Connectivity;
}

/** Result of {@link connectedComponents}. */
export interface ConnectedComponents {
  /** [H, W] int32 labels: 0 = background, 1..count = components, numbered in raster order of their first pixel. */
  labels: NdArray<Int32Array>;
  /** Number of foreground components (0 for an empty mask). */
  count: number;
  /** Pixel count per label, length count + 1; `areas[0]` is the background. */
  areas: Int32Array;
}

/**
 * Label the connected components of a binary mask (like OpenCV's `connectedComponentsWithStats`
 * areas, scikit-image's `label`).
 *
 * @param mask - [H, W] uint8, non-zero = foreground
 * @param options - see {@link ConnectedComponentsOptions}
 * @returns labels, component count and areas
 * @throws TypeError naming `connectedComponents` for a non-mask input; RangeError for a bad connectivity
 * @example
 * const { count, areas } = connectedComponents(mask, { connectivity: 4 });
 */
export function connectedComponents(mask: Mask, options: ConnectedComponentsOptions = {}): ConnectedComponents {
  const connectivity = options.connectivity ?? 8;
  checkConnectivity(connectivity, 'connectedComponents');
  const m = toContiguousMask(mask, 'connectedComponents');
  const [h, w] = m.shape as [number, number];
  const { labels, count, areas } = labelComponents(m.data, w, h, connectivity);
  return { labels: ndarray(labels, [h, w]), count, areas };
}

/** @internal */
export function checkConnectivity(c: unknown, fn: string, argument = 'options.connectivity'): asserts c is Connectivity {
  checkOneOf(fn, argument, c, [4, 8] as const);
}

/**
 * Per-pixel labelling of a flat row-major buffer (foreground is `data[i] > above`, non-zero with
 * the default 0), painted from the runs of {@link labelRuns}. Also returns each label's bounding
 * box as [x0, y0, x1, y1] at `boxes[4·label]`.
 * @internal
 */
export function labelComponents(
  data: Uint8Array,
  w: number,
  h: number,
  connectivity: Connectivity,
  above = 0,
): { labels: Int32Array; count: number; areas: Int32Array; boxes: Int32Array } {
  const r = labelRuns(data, w, h, connectivity, above);
  const labels = new Int32Array(w * h);
  for (let i = 0; i < r.runs; i++) {
    const row = r.y[i]! * w;
    labels.fill(r.label[i]!, row + r.x0[i]!, row + r.x1[i]! + 1);
  }
  return { labels, count: r.count, areas: r.areas, boxes: r.boxes };
}

import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { toContiguousMask } from '../../io/rgbImage.js';
import type { Mask } from '../../io/rgbImage.js';

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
export function checkConnectivity(c: unknown, fn: string): asserts c is Connectivity {
  if (c !== 4 && c !== 8) throw new RangeError(`${fn}: expected connectivity 4 or 8, got ${String(c)}`);
}

/**
 * Flood-fill labelling on a flat row-major buffer: foreground is `data[i] > above` (non-zero with
 * the default 0). Also returns each label's bounding box as [x0, y0, x1, y1] at `boxes[4·label]`.
 * @internal
 */
export function labelComponents(
  data: Uint8Array,
  w: number,
  h: number,
  connectivity: Connectivity,
  above = 0,
): { labels: Int32Array; count: number; areas: Int32Array; boxes: Int32Array } {
  const n = w * h;
  const labels = new Int32Array(n);
  const stack = new Int32Array(n);
  const areaList: number[] = [0];
  const boxList: number[] = [0, 0, -1, -1];
  let count = 0;
  let background = 0;
  const eight = connectivity === 8;
  for (let start = 0; start < n; start++) {
    if (data[start]! <= above) {
      background++;
      continue;
    }
    if (labels[start] !== 0) continue;
    const label = ++count;
    labels[start] = label;
    let top = 0;
    stack[top++] = start;
    let area = 0;
    let bx0 = w, by0 = h, bx1 = -1, by1 = -1;
    while (top > 0) {
      const p = stack[--top]!;
      area++;
      const y = (p / w) | 0;
      const x = p - y * w;
      if (x < bx0) bx0 = x;
      if (x > bx1) bx1 = x;
      if (y < by0) by0 = y;
      if (y > by1) by1 = y;
      const y0 = y > 0 ? y - 1 : 0, y1 = y < h - 1 ? y + 1 : h - 1;
      const x0 = x > 0 ? x - 1 : 0, x1 = x < w - 1 ? x + 1 : w - 1;
      for (let yy = y0; yy <= y1; yy++) {
        const row = yy * w;
        for (let xx = x0; xx <= x1; xx++) {
          if (!eight && yy !== y && xx !== x) continue;
          const q = row + xx;
          if (labels[q] === 0 && data[q]! > above) {
            labels[q] = label;
            stack[top++] = q;
          }
        }
      }
    }
    areaList.push(area);
    boxList.push(bx0, by0, bx1, by1);
  }
  areaList[0] = background;
  return { labels, count, areas: Int32Array.from(areaList), boxes: Int32Array.from(boxList) };
}

import { createMask } from '../../io/image/rgbImage.js';
import type { Mask } from '../../io/image/rgbImage.js';
import type { Point } from './point.js';
import { checkInteger } from '../../core/index.js';

const XY_SHIFT = 16;
const XY_ONE = 1 << XY_SHIFT;

/**
 * Rasterise a closed polygon into a mask as OpenCV's `fillPoly` with `LINE_8` and integer vertices:
 * every edge is drawn with 8-connected Bresenham lines, and each scanline between two edges is
 * filled from ⌈x_left⌉ to ⌊x_right⌋ with the edges walked in 16.16 fixed point (truncating slopes).
 * Overlapping edges fill by the even–odd rule.
 *
 * @param polygon - vertices with integer coordinates (any order of traversal)
 * @param width - mask width W ≥ 1
 * @param height - mask height H ≥ 1
 * @returns a [H, W] 0/1 mask; parts outside the image are clipped
 * @throws RangeError naming `fillPolygon` for non-integer vertices
 * @example
 * const hullMask = fillPolygon(convexHull(traceContour(nucleus)), 224, 224);
 */
export function fillPolygon(polygon: readonly Point[], width: number, height: number): Mask {
  const out = createMask(width, height);
  const n = polygon.length;
  if (n === 0) return out;
  polygon.forEach((p, i) => {
    checkInteger('fillPolygon', `polygon[${i}].x`, p.x);
    checkInteger('fillPolygon', `polygon[${i}].y`, p.y);
  });
  const data = out.data;
  const plot = (x: number, y: number): void => {
    if (x >= 0 && x < width && y >= 0 && y < height) data[y * width + x] = 1;
  };
  interface Edge {
    y0: number;
    y1: number;
    x: number;
    dx: number;
  }
  const edges: Edge[] = [];
  let prev = polygon[n - 1]!;
  for (let i = 0; i < n; i++) {
    const p = polygon[i]!;
    drawLine8(prev.x, prev.y, p.x, p.y, plot);
    if (prev.y !== p.y) {
      const x0 = prev.x * XY_ONE;
      const x1 = p.x * XY_ONE;
      const dx = Math.trunc((x1 - x0) / (p.y - prev.y));
      edges.push(prev.y < p.y ? { y0: prev.y, y1: p.y, x: x0, dx } : { y0: p.y, y1: prev.y, x: x1, dx });
    }
    prev = p;
  }
  if (n < 2 || edges.length < 2) return out;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const e of edges) {
    yMin = Math.min(yMin, e.y0);
    yMax = Math.max(yMax, e.y1);
  }
  const xs: number[] = [];
  for (let y = Math.max(yMin, 0); y < Math.min(yMax, height); y++) {
    xs.length = 0;
    for (const e of edges) if (e.y0 <= y && y < e.y1) xs.push(e.x + (y - e.y0) * e.dx);
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      let x1 = Math.ceil(xs[k]! / XY_ONE);
      let x2 = Math.floor(xs[k + 1]! / XY_ONE);
      if (x1 >= width || x2 < 0) continue;
      if (x1 < 0) x1 = 0;
      if (x2 >= width) x2 = width - 1;
      data.fill(1, y * width + x1, y * width + x2 + 1);
    }
  }
  return out;
}

/**
 * OpenCV's 8-connected `LineIterator` (left to right, Bresenham with err = dx − 2·dy).
 * @internal
 */
export function drawLine8(xa: number, ya: number, xb: number, yb: number, plot: (x: number, y: number) => void): void {
  if (xb < xa) {
    [xa, xb] = [xb, xa];
    [ya, yb] = [yb, ya];
  }
  let dx = xb - xa;
  let dy = yb - ya;
  const sy = dy < 0 ? -1 : 1;
  dy = Math.abs(dy);
  let majX = 1, majY = 0, minX = 0, minY = sy;
  if (dy > dx) {
    [dx, dy] = [dy, dx];
    majX = 0;
    majY = sy;
    minX = 1;
    minY = 0;
  }
  let err = dx - 2 * dy;
  const plus = 2 * dx;
  const minus = -2 * dy;
  let x = xa, y = ya;
  for (let i = 0; i <= dx; i++) {
    plot(x, y);
    if (err < 0) {
      err += minus + plus;
      x += majX + minX;
      y += majY + minY;
    } else {
      err += minus;
      x += majX;
      y += majY;
    }
  }
}

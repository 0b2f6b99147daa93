import type { Point } from './point.js';

/** Options of {@link perimeter}. */
export interface PerimeterOptions {
  /** Whether the polyline closes (last point joined to the first). Defaults to true. */
  closed?: boolean;
}

/**
 * Length of a polyline, as OpenCV's `arcLength`: the sum of the segment lengths, each computed in
 * float32 (√(dx² + dy²) rounded to float32) and summed in float64, starting with the closing
 * segment for a closed curve.
 *
 * @param points - the vertices (integer or float coordinates)
 * @param options - see {@link PerimeterOptions}
 * @returns the length in pixels (0 for fewer than two points)
 * @example
 * perimeter([{ x: 0, y: 0 }, { x: 3, y: 0 }, { x: 3, y: 4 }]); // 12
 */
export function perimeter(points: readonly Point[], options: PerimeterOptions = {}): number {
  const closed = options.closed ?? true;
  const n = points.length;
  if (n <= 1) return 0;
  const f = Math.fround;
  let prev = closed ? points[n - 1]! : points[0]!;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    const dx = f(f(p.x) - f(prev.x));
    const dy = f(f(p.y) - f(prev.y));
    total += f(Math.sqrt(f(f(dx * dx) + f(dy * dy))));
    prev = p;
  }
  return total;
}

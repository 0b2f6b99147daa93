import type { Point } from './point.js';

/**
 * Convex hull of a point set (Andrew's monotone chain), without collinear points.
 *
 * @param points - any number of points (duplicates allowed)
 * @returns the hull vertices in order (clockwise on screen, i.e. counter-clockwise with y up),
 *   starting from the smallest (x, y); 1 or 2 points for degenerate sets; `[]` for none
 * @example
 * convexHull([{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 1, y: 1 }, { x: 1, y: 0 }]); // 3 vertices
 */
export function convexHull(points: readonly Point[]): Point[] {
  const pts = points.slice().sort((a, b) => a.x - b.x || a.y - b.y);
  const uniq: Point[] = [];
  for (const p of pts) {
    const q = uniq[uniq.length - 1];
    if (!q || q.x !== p.x || q.y !== p.y) uniq.push(p);
  }
  if (uniq.length <= 2) return uniq;
  const cross = (o: Point, a: Point, b: Point): number => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Point[] = [];
  for (const p of uniq) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = uniq.length - 1; i >= 0; i--) {
    const p = uniq[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  const hull = lower.concat(upper);
  // all points collinear: keep the two ends
  return hull.length >= 2 ? hull : uniq.length > 1 ? [uniq[0]!, uniq[uniq.length - 1]!] : hull;
}

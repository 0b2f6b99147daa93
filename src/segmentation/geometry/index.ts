export type { Point } from './point.js';
export { traceContour } from './traceContour.js';
export { perimeter } from './perimeter.js';
export type { PerimeterOptions } from './perimeter.js';
export { convexHull } from './convexHull.js';
export { fillPolygon } from './fillPolygon.js';
export { maskArea, polygonArea } from './area.js';

/**
 * OpenCV's `BORDER_REFLECT_101` index mapping (`gfedcb|abcdefgh|gfedcba`): the in-range index
 * that an out-of-range position `p` reads for a line of `length` samples.
 *
 * @param p - any integer position
 * @param length - the line length (≥ 1); a length-1 line always maps to 0
 * @returns an index in [0, length − 1]
 * @example
 * borderReflect101(-2, 5); // 2
 * borderReflect101(6, 5);  // 2
 */
export function borderReflect101(p: number, length: number): number {
  if (length === 1) return 0;
  while (p < 0 || p >= length) {
    p = p < 0 ? -p : 2 * length - 2 - p;
  }
  return p;
}

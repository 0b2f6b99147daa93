/** An integer pixel position: x = column, y = row (image coordinates, y grows downwards). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

import { ArgumentError } from '../../core/index.js';

const maps = new Map<number, Int32Array[]>();

/**
 * The 8 source-index maps of the dihedral group of a square (4 rotations by 90°, each with or without a horizontal
 * flip): map t, at output pixel p, holds the source pixel index. Cached per size.
 */
function dihedralMaps(size: number): Int32Array[] {
  let m = maps.get(size);
  if (m === undefined) {
    m = [];
    for (let t = 0; t < 8; t++) {
      const map = new Int32Array(size * size);
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          let y = i;
          let x = t >= 4 ? size - 1 - j : j; // flip first
          for (let r = 0; r < t % 4; r++) [y, x] = [x, size - 1 - y]; // then rotate by 90° r times
          map[i * size + j] = y * size + x;
        }
      }
      m.push(map);
    }
    maps.set(size, m);
  }
  return m;
}

/**
 * Writes one of the 8 symmetries of a square crop (rotations by 0/90/180/270°, each with or without a flip): cells
 * have no orientation, so every symmetry of a training crop is another valid crop (augmentation).
 *
 * @param crop - [S·S·3] float32, row-major [S, S, 3].
 * @param size - S.
 * @param transform - Which symmetry, an integer in 0…7: t mod 4 quarter turns counter-clockwise (numpy's `rot90(k = t mod
 *   4)`), after a horizontal flip when t ≥ 4.
 * @param out - Where to write [S·S·3] (not `crop` itself).
 * @param offset - Start index in `out`. Defaults to `0`.
 * @throws {ArgumentError} naming `dihedralCrop` when `crop` is not S·S·3 long or `transform` is not in 0…7.
 * @example
 * dihedralCrop(crop, 48, 5, batch, 2 * 48 * 48 * 3); // the flipped, 90°-rotated crop as the batch's third image
 */
export function dihedralCrop(crop: Float32Array, size: number, transform: number, out: Float32Array, offset = 0): void {
  if (crop.length !== size * size * 3) throw new ArgumentError('dihedralCrop', 'crop', `${size * size * 3} values (S·S·3)`, crop.length);
  if (!Number.isInteger(transform) || transform < 0 || transform > 7) throw new ArgumentError('dihedralCrop', 'transform', 'an integer in 0…7', transform);
  const map = dihedralMaps(size)[transform]!;
  for (let p = 0; p < map.length; p++) {
    const s = map[p]! * 3;
    const o = offset + p * 3;
    out[o] = crop[s]!;
    out[o + 1] = crop[s + 1]!;
    out[o + 2] = crop[s + 2]!;
  }
}

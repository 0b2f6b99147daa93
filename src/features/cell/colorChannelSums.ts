// Import the typed-array files directly: the colour index also exports the tfjs tensor versions.
import { HDIV180, HSV_SHIFT, SDIV } from '../../segmentation/color/rgbToHsv8.js';
import { LAB_CBRT_TAB_B, LAB_SHIFT, LAB_SHIFT2, LAB_XYZ_TABS } from '../../segmentation/color/opencvLabTables.js';

/**
 * Adds, for each of the 12 colour channels of the cell features (in `COLOR_CHANNEL_NAMES` order:
 * R, G, B; H, S, V of `rgbToHsv8` with H in [0, 180); L, a, b of `rgbToLab8`; Y, Cr, Cb of
 * `rgbToYcrcb8`), the sum Σv and the sum of squares Σv² of its 8-bit values over the first
 * `length / 3` pixels of interleaved RGB `rgb`, to `stats[offset + 4c]` and
 * `stats[offset + 4c + 1]` (c = 0..11).
 *
 * One pass, no converted copy: the conversions are those of `rgbToHsv8Into(…, false)`,
 * `rgbToLab8Into` and `rgbToYcrcb8Into` operation for operation, so every value is the same byte;
 * the sums are of integers below 2^53, hence exact, and equal to summing the converted images.
 *
 * @param rgb - interleaved 8-bit RGB, at least `length` bytes
 * @param length - bytes to read, a multiple of 3 (0 adds nothing)
 * @param stats - accumulators, length ≥ offset + 46
 * @param offset - index of channel 0's Σ in `stats`
 * @example
 * const stats = new Float64Array(48);
 * addColorChannelSums(Uint8Array.of(255, 0, 0), 3, stats, 0); // stats[0] = 255 (Σ R), stats[1] = 65025
 * @internal
 */
export function addColorChannelSums(rgb: Uint8Array, length: number, stats: Float64Array, offset: number): void {
  if (length % 3 !== 0 || length > rgb.length || length < 0) {
    throw new RangeError(`addColorChannelSums: expected a length that is a multiple of 3 and ≤ ${rgb.length}, got ${length}`);
  }
  if (!(offset >= 0 && offset + 46 <= stats.length)) {
    throw new RangeError(`addColorChannelSums: expected 0 ≤ offset ≤ ${stats.length - 46}, got ${offset}`);
  }
  // locals: imported bindings are much slower to read in a hot loop
  const hdiv = HDIV180;
  const sdiv = SDIV;
  const hShift = HSV_SHIFT;
  const hHalf = 1 << (HSV_SHIFT - 1);
  const cbrt = LAB_CBRT_TAB_B;
  const shift = LAB_SHIFT;
  const shift2 = LAB_SHIFT2;
  const [t0, t1, t2, t3, t4, t5, t6, t7, t8] = LAB_XYZ_TABS as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  const half2 = 1 << (LAB_SHIFT2 - 1);
  const lScale = Math.trunc((116 * 255 + 50) / 100);
  const lShift = -Math.trunc((16 * 255 * (1 << LAB_SHIFT2) + 50) / 100) + half2;
  const abShift = 128 * (1 << LAB_SHIFT2) + half2;
  const delta = (128 << 14) + (1 << 13);
  // Σ and Σ² per channel; the Σ of one channel stays below 2^31 for fewer than 8.4M pixels, but the
  // accumulators are plain numbers (doubles once large), exact below 2^53 either way
  let sR = 0, qR = 0, sG = 0, qG = 0, sB = 0, qB = 0;
  let sH = 0, qH = 0, sS = 0, qS = 0, sV = 0, qV = 0;
  let sL = 0, qL = 0, sA = 0, qA = 0, sLb = 0, qLb = 0;
  let sY = 0, qY = 0, sCr = 0, qCr = 0, sCb = 0, qCb = 0;
  for (let j = 0; j < length; j += 3) {
    const r = rgb[j]!;
    const g = rgb[j + 1]!;
    const b = rgb[j + 2]!;
    sR += r;
    qR += r * r;
    sG += g;
    qG += g * g;
    sB += b;
    qB += b * b;
    // HSV (rgbToHsv8Into, full = false)
    let v = r;
    let vmin = r;
    if (g > v) v = g;
    if (b > v) v = b;
    if (g < vmin) vmin = g;
    if (b < vmin) vmin = b;
    const diff = v - vmin;
    let hh = v === r ? g - b : v === g ? b - r + 2 * diff : r - g + 4 * diff;
    hh = (hh * hdiv[diff]! + hHalf) >> hShift;
    if (hh < 0) hh += 180;
    const hv = hh > 255 ? 255 : hh;
    const sv = (diff * sdiv[v]! + hHalf) >> hShift;
    sH += hv;
    qH += hv * hv;
    sS += sv;
    qS += sv * sv;
    sV += v;
    qV += v * v;
    // Lab (rgbToLab8Into)
    const fX = cbrt[(t0[r]! + t1[g]! + t2[b]!) >> shift]!;
    const fY = cbrt[(t3[r]! + t4[g]! + t5[b]!) >> shift]!;
    const fZ = cbrt[(t6[r]! + t7[g]! + t8[b]!) >> shift]!;
    const L0 = (lScale * fY + lShift) >> shift2;
    const a0 = (500 * (fX - fY) + abShift) >> shift2;
    const b0 = (200 * (fY - fZ) + abShift) >> shift2;
    const lv = L0 < 0 ? 0 : L0 > 255 ? 255 : L0;
    const av = a0 < 0 ? 0 : a0 > 255 ? 255 : a0;
    const bv = b0 < 0 ? 0 : b0 > 255 ? 255 : b0;
    sL += lv;
    qL += lv * lv;
    sA += av;
    qA += av * av;
    sLb += bv;
    qLb += bv * bv;
    // YCrCb (rgbToYcrcb8Into)
    const y = (r * 4899 + g * 9617 + b * 1868 + 8192) >> 14;
    const cr0 = ((r - y) * 11682 + delta) >> 14;
    const cb0 = ((b - y) * 9241 + delta) >> 14;
    const crv = cr0 < 0 ? 0 : cr0 > 255 ? 255 : cr0;
    const cbv = cb0 < 0 ? 0 : cb0 > 255 ? 255 : cb0;
    sY += y;
    qY += y * y;
    sCr += crv;
    qCr += crv * crv;
    sCb += cbv;
    qCb += cbv * cbv;
  }
  const sums = [sR, qR, sG, qG, sB, qB, sH, qH, sS, qS, sV, qV, sL, qL, sA, qA, sLb, qLb, sY, qY, sCr, qCr, sCb, qCb];
  for (let c = 0; c < 12; c++) {
    stats[offset + 4 * c] = stats[offset + 4 * c]! + sums[2 * c]!;
    stats[offset + 4 * c + 1] = stats[offset + 4 * c + 1]! + sums[2 * c + 1]!;
  }
}

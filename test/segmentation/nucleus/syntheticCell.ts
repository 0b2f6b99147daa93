import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';

/** Colours of a May–Grünwald–Giemsa-like smear (made up, not taken from real images). */
export const BACKGROUND = [232, 202, 212] as const;
export const CYTOPLASM = [196, 198, 228] as const;
export const NUCLEUS = [118, 62, 158] as const;

export interface SyntheticCellOptions {
  size?: number;
  /** nucleus radius in pixels */
  radius?: number;
  /** a square notch cut out of the nucleus on its right side, side in pixels (0 = none) */
  notch?: number;
  /** second, smaller nucleus lobe radius (0 = none), placed in the lower left */
  lobe?: number;
  /** x of the nucleus (and cytoplasm) centre. Defaults to the image centre. */
  cx?: number;
  /** deterministic noise amplitude */
  noise?: number;
}

/**
 * A synthetic blood-cell image: background, a round cytoplasm and a round purple nucleus centred
 * in the image, plus optional notch, second lobe and deterministic noise. Returns the image and
 * the nucleus as drawn (row-major 0/1).
 */
export function syntheticCell(options: SyntheticCellOptions = {}): { image: RgbImage; truth: Uint8Array } {
  const size = options.size ?? 96;
  const r = options.radius ?? 20;
  const notch = options.notch ?? 0;
  const lobe = options.lobe ?? 0;
  const noise = options.noise ?? 6;
  const c = (size - 1) / 2;
  const cx = options.cx ?? c;
  const data = new Uint8Array(size * size * 3);
  const truth = new Uint8Array(size * size);
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - cx, y - c);
      let inNucleus = d <= r && !(notch > 0 && x > cx + r - notch && Math.abs(y - c) < notch / 2);
      if (lobe > 0 && Math.hypot(x - size * 0.18, y - size * 0.82) <= lobe) inNucleus = true;
      const col = inNucleus ? NUCLEUS : d <= r * 1.8 ? CYTOPLASM : BACKGROUND;
      truth[y * size + x] = inNucleus ? 1 : 0;
      for (let k = 0; k < 3; k++) {
        data[(y * size + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(col[k]! + noise * rand())));
      }
    }
  }
  return { image: createRgbImage(size, size, data), truth };
}

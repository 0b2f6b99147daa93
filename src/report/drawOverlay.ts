import { createRgbImage, toContiguousMask, toContiguousRgb } from '../io/image/rgbImage.js';
import type { Mask, RgbImage } from '../io/image/rgbImage.js';

/** An RGB colour, each channel an integer in [0, 255]. */
export type OverlayColor = readonly [number, number, number];

/** How one mask is drawn. */
export interface OverlayStyle {
  /** Tint and outline colour. */
  color: OverlayColor;
  /** Opacity of the tint inside the mask, in [0, 1] (0: no tint). */
  fillAlpha: number;
  /** Whether to draw the mask's 1-pixel inner boundary in `color` (opaque). */
  outline: boolean;
}

/** The masks {@link drawOverlay} draws; each [H, W] uint8 0/1, the image's size. All optional. */
export interface OverlayMasks {
  /** The nucleus mask. */
  nucleus?: Mask;
  /** The nucleus' convex hull. */
  hull?: Mask;
  /** The region of concavity (hull minus nucleus). */
  roc?: Mask;
}

/** Options of {@link drawOverlay}: a partial {@link OverlayStyle} per mask. */
export interface DrawOverlayOptions {
  /** Defaults to `{ color: [0, 90, 255], fillAlpha: 0.35, outline: true }` (blue tint and outline). */
  nucleus?: Partial<OverlayStyle>;
  /** Defaults to `{ color: [255, 220, 0], fillAlpha: 0, outline: true }` (yellow outline only). */
  hull?: Partial<OverlayStyle>;
  /** Defaults to `{ color: [0, 200, 80], fillAlpha: 0.45, outline: false }` (green tint). */
  roc?: Partial<OverlayStyle>;
}

/** Default styles of {@link drawOverlay}. */
export const DEFAULT_OVERLAY_STYLES: Readonly<Record<keyof OverlayMasks, Readonly<OverlayStyle>>> = {
  nucleus: { color: [0, 90, 255], fillAlpha: 0.35, outline: true },
  hull: { color: [255, 220, 0], fillAlpha: 0, outline: true },
  roc: { color: [0, 200, 80], fillAlpha: 0.45, outline: false },
};

/** Drawing order: tints first (ROC, nucleus), so that the outlines (nucleus, hull) stay visible on top. */
const ORDER: readonly (keyof OverlayMasks)[] = ['roc', 'nucleus', 'hull'];

function checkStyle(key: string, style: OverlayStyle): void {
  const { color, fillAlpha } = style;
  if (!Array.isArray(color) || color.length !== 3 || !color.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
    throw new RangeError(`drawOverlay: expected ${key}.color to be 3 integers in [0, 255], got [${String(color)}]`);
  }
  if (!(fillAlpha >= 0 && fillAlpha <= 1)) {
    throw new RangeError(`drawOverlay: expected ${key}.fillAlpha in [0, 1], got ${fillAlpha}`);
  }
}

/**
 * Draw segmentation masks over a copy of an image: tinted regions and 1-pixel outlines, for
 * figures, reports and checking a segmentation by eye.
 *
 * Masks are drawn in the order ROC, nucleus, hull (each: tint, then outline), so with the
 * defaults the nucleus and hull outlines stay visible over the tints. A tint blends
 * `out = round((1 − α)·pixel + α·color)` inside the mask; an outline sets the mask's boundary
 * pixels (mask pixels with a 4-neighbour outside the mask or on the image border) to `color`.
 *
 * @param image - [H, W, 3] uint8; not modified
 * @param masks - any of nucleus, hull, roc: each [H, W] uint8 (non-zero = inside), the image's size
 * @param options - per-mask style overrides, see {@link DrawOverlayOptions}
 * @returns a new {@link RgbImage} [H, W, 3], uint8
 * @throws TypeError / RangeError naming `drawOverlay` for bad shapes, sizes or styles
 * @example
 * const seg = segmentNucleus(image);
 * const figure = drawOverlay(image, seg, { hull: { color: [255, 0, 0] } });
 * await writeFile('overlay.png', await encodePng(figure));
 */
export function drawOverlay(image: RgbImage, masks: OverlayMasks, options: DrawOverlayOptions = {}): RgbImage {
  const src = toContiguousRgb(image, 'drawOverlay');
  const [h, w] = src.shape as [number, number, number];
  if (masks === null || typeof masks !== 'object') {
    throw new TypeError(`drawOverlay: expected masks { nucleus?, hull?, roc? }, got ${String(masks)}`);
  }
  const styles = {} as Record<keyof OverlayMasks, OverlayStyle>;
  for (const key of ORDER) {
    styles[key] = { ...DEFAULT_OVERLAY_STYLES[key], ...options[key] } as OverlayStyle;
    checkStyle(key, styles[key]);
  }
  const out = src.data.slice();
  for (const key of ORDER) {
    const m = masks[key];
    if (m === undefined) continue;
    const mask = toContiguousMask(m, `drawOverlay (${key})`);
    const [mh, mw] = mask.shape as [number, number];
    if (mh !== h || mw !== w) {
      throw new RangeError(`drawOverlay: ${key} mask is ${mw}x${mh} but the image is ${w}x${h}`);
    }
    paint(out, mask.data, w, h, styles[key]);
  }
  return createRgbImage(w, h, out);
}

function paint(rgb: Uint8Array, mask: Uint8Array, w: number, h: number, style: OverlayStyle): void {
  const [r, g, b] = style.color;
  const a = style.fillAlpha;
  if (a > 0) {
    for (let p = 0; p < mask.length; p++) {
      if (mask[p] === 0) continue;
      const k = p * 3;
      rgb[k] = Math.round((1 - a) * rgb[k]! + a * r);
      rgb[k + 1] = Math.round((1 - a) * rgb[k + 1]! + a * g);
      rgb[k + 2] = Math.round((1 - a) * rgb[k + 2]! + a * b);
    }
  }
  if (!style.outline) return;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (mask[p] === 0) continue;
      const border =
        x === 0 || y === 0 || x === w - 1 || y === h - 1 ||
        mask[p - 1] === 0 || mask[p + 1] === 0 || mask[p - w] === 0 || mask[p + w] === 0;
      if (!border) continue;
      rgb[p * 3] = r;
      rgb[p * 3 + 1] = g;
      rgb[p * 3 + 2] = b;
    }
  }
}

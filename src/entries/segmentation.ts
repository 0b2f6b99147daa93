/**
 * `lymphomix/segmentation`: the pure typed-array part of the library, for apps (browser pages, workers) that segment
 * nuclei and measure cells without tensors. It carries image decoding ({@link decodeImage}, {@link RgbImage}),
 * colour spaces, thresholds (Otsu, multi-Otsu), filters, morphology, geometry, the nucleus segmentation
 * ({@link segmentNucleus}), the per-cell handmade and texture features, their per-patient aggregation, segmentation
 * overlays, and the shared argument checks, seeded random generator and progress events.
 *
 * It imports no tfjs, onnxruntime or vega: a bundle of this entry stays small (`npm run bench -- bundle` prints its
 * size). The tensor versions of the colour conversions (`rgbToLabTensor`, …) and everything else are in the root
 * `lymphomix` entry, which re-exports the same functions (one copy of the code in an ES-module bundle).
 *
 * @example
 * ```ts
 * import { decodeImage, segmentNucleus, extractCellFeatures } from 'lymphomix/segmentation';
 * const image = await decodeImage(file); // a File, Blob, URL, bytes or (in Node) a path
 * const { status, nucleus, hull } = segmentNucleus(image); // masks [H, W], uint8 0/1
 * const { features } = extractCellFeatures(image); // 51 named features, or null when no nucleus is found
 * ```
 * @module segmentation
 */
export * from '../core/index.js';
export * from '../io/image/index.js';
// Colour spaces: the typed-array conversions only (the *Tensor ones need tfjs).
export type { FloatImage } from '../segmentation/color/colorInput.js';
export { rgbToGray8, GRAY_WEIGHTS_Q15 } from '../segmentation/color/rgbToGray8.js';
export { rgbToGray } from '../segmentation/color/rgbToGray.js';
export { rgbToYcrcb8 } from '../segmentation/color/rgbToYcrcb8.js';
export { rgbToYcrcb } from '../segmentation/color/rgbToYcrcb.js';
export { rgbToHsv8 } from '../segmentation/color/rgbToHsv8.js';
export type { RgbToHsv8Options } from '../segmentation/color/rgbToHsv8.js';
export { rgbToHsv } from '../segmentation/color/rgbToHsv.js';
export { rgbToHls8 } from '../segmentation/color/rgbToHls8.js';
export type { RgbToHls8Options } from '../segmentation/color/rgbToHls8.js';
export { rgbToHls } from '../segmentation/color/rgbToHls.js';
export { rgbToLab8 } from '../segmentation/color/rgbToLab8.js';
export { rgbToLab } from '../segmentation/color/rgbToLab.js';
export type { RgbToLabOptions } from '../segmentation/color/rgbToLab.js';
export { rgbToCmyk } from '../segmentation/color/rgbToCmyk.js';
export { hsvToRgb } from '../segmentation/color/hsvToRgb.js';
export { hlsToRgb } from '../segmentation/color/hlsToRgb.js';
export { labToRgb } from '../segmentation/color/labToRgb.js';
export { ycrcbToRgb } from '../segmentation/color/ycrcbToRgb.js';
export * from '../segmentation/threshold/index.js';
export * from '../segmentation/filters/index.js';
export * from '../segmentation/morphology/index.js';
export * from '../segmentation/geometry/index.js';
export * from '../segmentation/nucleus/index.js';
export * from '../features/cell/index.js';
export * from '../features/texture/index.js';
export * from '../features/aggregate/index.js';
export * from '../report/drawOverlay.js';

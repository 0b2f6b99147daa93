/** The 12 colour channels of the colour features, in order (OpenCV 8-bit encodings). */
export const COLOR_CHANNEL_NAMES = [
  'rgb.r',
  'rgb.g',
  'rgb.b',
  'hsv.h',
  'hsv.s',
  'hsv.v',
  'lab.l',
  'lab.a',
  'lab.b',
  'ycrcb.y',
  'ycrcb.cr',
  'ycrcb.cb',
] as const;

/** One of {@link COLOR_CHANNEL_NAMES}. */
export type ColorChannelName = (typeof COLOR_CHANNEL_NAMES)[number];

/**
 * The four ratios computed per channel: mean and (population) standard deviation of the nucleus,
 * and of the ROC, each divided by the same statistic over the hull.
 */
export const COLOR_RATIO_NAMES = ['meanRatioNucleus', 'stdRatioNucleus', 'meanRatioRoc', 'stdRatioRoc'] as const;

/** One of {@link COLOR_RATIO_NAMES}. */
export type ColorRatioName = (typeof COLOR_RATIO_NAMES)[number];

/** The three shape features. */
export const SHAPE_FEATURE_NAMES = ['solidity', 'convexity', 'circularity'] as const;

/** One of {@link SHAPE_FEATURE_NAMES}. */
export type ShapeFeatureName = (typeof SHAPE_FEATURE_NAMES)[number];

/** A handmade per-cell feature name, e.g. `'solidity'` or `'lab.a.meanRatioNucleus'`. */
export type FeatureName = ShapeFeatureName | `${ColorChannelName}.${ColorRatioName}`;

/**
 * The 51 feature names in their canonical order: the 3 shape features, then for each of the 12
 * channels (in {@link COLOR_CHANNEL_NAMES} order) its 4 ratios (in {@link COLOR_RATIO_NAMES} order).
 * The names match the keys of the reference's `golden-features.json`.
 */
export const FEATURE_NAMES: readonly FeatureName[] = Object.freeze([
  ...SHAPE_FEATURE_NAMES,
  ...COLOR_CHANNEL_NAMES.flatMap((c) => COLOR_RATIO_NAMES.map((r) => `${c}.${r}` as const)),
]);

/** The scalar measurements reported beside the features (also for cells without a nucleus). */
export const MEASUREMENT_NAMES = ['threshold', 'area', 'areaConvex', 'perimeter', 'perimeterConvex'] as const;

/** One of {@link MEASUREMENT_NAMES}. */
export type MeasurementName = (typeof MEASUREMENT_NAMES)[number];

export {
  COLOR_CHANNEL_NAMES,
  COLOR_RATIO_NAMES,
  SHAPE_FEATURE_NAMES,
  FEATURE_NAMES,
  MEASUREMENT_NAMES,
} from './featureNames.js';
export type { ColorChannelName, ColorRatioName, ShapeFeatureName, FeatureName, MeasurementName } from './featureNames.js';
export { extractCellFeatures, cellFeaturesFromSegmentation, featuresToVector } from './extractCellFeatures.js';
export type { CellFeatureOptions, CellFeatures, CellFeaturesFromSegmentationOptions, FeaturesToVectorOptions } from './extractCellFeatures.js';

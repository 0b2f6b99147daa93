export * from './logisticRegression.js';
export * from './logisticRegressionEstimator.js';

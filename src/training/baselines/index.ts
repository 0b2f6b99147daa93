export * from './logisticRegression.js';

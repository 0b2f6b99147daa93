export * from './logisticRegression.js';
export * from './crossValidateLogisticRegression.js';

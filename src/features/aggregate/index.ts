export { AGGREGATE_STATISTICS, aggregateColumnNames, aggregateFeatures, quantileColumnName } from './aggregateFeatures.js';
export type {
  AggregatedFeatures,
  AggregateFeaturesOptions,
  AggregateRow,
  AggregateStatistic,
  PatientFeatures,
} from './aggregateFeatures.js';

/**
 * Multi-instance learning: aggregation of instance embeddings into bag embeddings on ragged batches
 * ([ΣN, D] + bag ids → [B, D]), with backend-neutral tfjs ops (cpu, wasm, webgpu).
 * @module
 */
export * from './raggedBatch.js';
export * from './paddedBatch.js';
export type { BagBatch } from './bagBatch.js';
export * from './bagAssignmentMatrix.js';
export * from './segmentMax.js';
export * from './segmentSoftmax.js';
export * from './segmentSum.js';
export * from './bagToInstances.js';
export * from './meanPooling.js';
export * from './maxPooling.js';
export * from './logSumExpPooling.js';
export * from './topKMeanPooling.js';
export * from './bagPooling.js';
export { AttentionPooling, type AttentionPoolingArgs, type AttentionPoolingOutput } from './attentionPooling.js';
export * from './gatedAttentionPooling.js';
export * from './poolInstancePredictions.js';
export * from './createAggregator.js';
export * from './instanceScorePooling.js';

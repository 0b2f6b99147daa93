/**
 * io, by concept: `bytes` (sources, reading, atomic writes), `image` (decoding to {@link RgbImage}, PNG encoding),
 * `safetensors` (the weights format), `modelIo` (tfjs model folders and URLs) and `cache` (the one content-keyed
 * on-disk cache of per-image results).
 * @module
 */
export * from './bytes/index.js';
export * from './image/index.js';
export * from './safetensors/index.js';
export * from './modelIo/index.js';
export * from './cache/index.js';

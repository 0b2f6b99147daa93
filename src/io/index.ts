/**
 * io, by concept: `bytes` (sources, reading, atomic writes), `image` (decoding to {@link RgbImage}, PNG encoding),
 * `safetensors` (the weights format) and `modelIo` (tfjs model folders and URLs).
 * @module
 */
export * from './bytes/index.js';
export * from './image/index.js';
export * from './safetensors/index.js';
export * from './modelIo/index.js';

/**
 * ONNX vision models as frozen backbones, on onnxruntime (optional peer dependencies: onnxruntime-node in Node,
 * onnxruntime-web in browsers).
 * @module
 */
export { OnnxEmbedder, checkOnnxEmbedderOptions } from './onnxEmbedder.js';
export type { CheckedOnnxEmbedderOptions, OnnxEmbedderConfig, OnnxEmbedderOptions, OnnxLayout, OnnxPooling } from './onnxEmbedder.js';
export { loadOnnxEmbedder } from './loadOnnxEmbedder.js';
export type { LoadOnnxEmbedderOptions } from './loadOnnxEmbedder.js';
export { loadOnnxRuntime, missingOnnxRuntimeMessage, ONNX_WEB_FALLBACK_WARNING, provideOnnxRuntime } from './loadOnnxRuntime.js';
export type { LoadedOnnxRuntime, OnnxRuntime, OnnxRuntimeChoice, OnnxSessionLike, OnnxTensorLike } from './loadOnnxRuntime.js';
